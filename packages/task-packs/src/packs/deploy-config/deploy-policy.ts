import { AgentryError } from '@agentry/sdk';
import { cpuMillicores, memoryBytes } from './quantity';

/** The operator's rules for tenant deployments. Every field has a secure default. */
export interface DeployPolicy {
  /** Most replicas (or HPA maximum) a service may ask for. @default 20 */
  maxReplicas?: number;
  /** Highest CPU limit per container. @default '4' */
  maxCpu?: string;
  /** Highest memory limit per container. @default '8Gi' */
  maxMemory?: string;
  /** Registries images may come from, e.g. `['ghcr.io/acme']`; any when undefined. @default undefined */
  allowedRegistries?: readonly string[];
  /** Refuse images not pinned by digest. @default false */
  requireDigest?: boolean;
  /** Namespace of the ingress controller, allowed to reach public services. @default 'ingress-nginx' */
  ingressNamespace?: string;
  /** `ingressClassName` of public Ingresses. @default 'nginx' */
  ingressClassName?: string;
  /** UID and GID the containers run as. @default 10001 */
  runAsUser?: number;
  /** Namespace of a tenant's services when the settings name none. @default (tenant) => `tenant-${tenant}` */
  namespaceFor?: (tenant: string) => string;
}

/** {@link DeployPolicy} with defaults filled in and quantities parsed. */
export interface ResolvedDeployPolicy {
  maxReplicas: number;
  maxCpu: string;
  maxCpuMillicores: number;
  maxMemory: string;
  maxMemoryBytes: number;
  allowedRegistries: readonly string[] | undefined;
  requireDigest: boolean;
  ingressNamespace: string;
  ingressClassName: string;
  runAsUser: number;
  namespaceFor: (tenant: string) => string;
}

/**
 * Fills a policy's defaults once.
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` naming the field that is out of range.
 */
export function resolveDeployPolicy(policy: DeployPolicy = {}): ResolvedDeployPolicy {
  const maxCpu = policy.maxCpu ?? '4';
  const maxMemory = policy.maxMemory ?? '8Gi';
  const resolved: ResolvedDeployPolicy = {
    maxReplicas: policy.maxReplicas ?? 20,
    maxCpu,
    maxCpuMillicores: cpuMillicores(maxCpu),
    maxMemory,
    maxMemoryBytes: memoryBytes(maxMemory),
    allowedRegistries: policy.allowedRegistries,
    requireDigest: policy.requireDigest ?? false,
    ingressNamespace: policy.ingressNamespace ?? 'ingress-nginx',
    ingressClassName: policy.ingressClassName ?? 'nginx',
    runAsUser: policy.runAsUser ?? 10_001,
    namespaceFor: policy.namespaceFor ?? ((tenant) => `tenant-${tenant}`),
  };
  const problems: string[] = [];
  if (!Number.isInteger(resolved.maxReplicas) || resolved.maxReplicas < 1) problems.push('`maxReplicas` must be a positive integer');
  if (!Number.isFinite(resolved.maxCpuMillicores) || resolved.maxCpuMillicores <= 0) problems.push('`maxCpu` must be a CPU quantity');
  if (!Number.isFinite(resolved.maxMemoryBytes) || resolved.maxMemoryBytes <= 0) problems.push('`maxMemory` must be a memory quantity');
  if (!Number.isInteger(resolved.runAsUser) || resolved.runAsUser < 1) problems.push('`runAsUser` must be a non-root uid (1 or more)');
  if (problems.length > 0) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `createDeployConfigPack: ${problems.join('; ')}`, {
      hint: 'See docs/packs/deploy-config.md for the policy fields and their defaults.',
    });
  }
  return resolved;
}
