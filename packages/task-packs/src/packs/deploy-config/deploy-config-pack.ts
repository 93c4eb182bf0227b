import { defineTaskPack } from '@agentry/sdk';
import { assertSafeSettings } from './check-service-settings';
import { resolveDeployPolicy, type DeployPolicy, type ResolvedDeployPolicy } from './deploy-policy';
import { renderHelmValues } from './render-helm-values';
import { renderManifests } from './render-manifests';
import { deployConfigOutputSchema, serviceSettingsSchema, type DeployConfigOutput, type ServiceSettings } from './service-settings-schema';
import { serializeAndValidate } from './validate-manifests';

/** Options of {@link createDeployConfigPack}: the operator's policy plus the agent id. */
export interface DeployConfigOptions extends DeployPolicy {
  /** Agent id. @default 'deploy-config' */
  id?: string;
}

/**
 * Renders settings into deployment values: refuses unsafe settings, renders the objects, derives
 * Helm values, and proves the YAML. Pure and deterministic; usable without a runtime.
 *
 * @throws AgentryError `AGENTRY_INVALID_INPUT` with every violated rule in `details`.
 */
export function renderDeployConfig(settings: ServiceSettings, tenant: string, policy: ResolvedDeployPolicy): DeployConfigOutput {
  assertSafeSettings(settings, policy);
  const { namespace, objects, warnings } = renderManifests(settings, tenant, policy);
  const yaml = serializeAndValidate(objects);
  return { namespace, objects, yaml, values: renderHelmValues(objects), warnings };
}

/**
 * Creates a pack that turns a tenant's declared service settings into Kubernetes objects
 * (ServiceAccount, Deployment, Service, HPA, PodDisruptionBudget, NetworkPolicies, Ingress), the
 * same as a YAML stream, and Helm values, with secure defaults; unsafe requests (privileged,
 * host namespaces, root, `latest` images, missing or oversized limits, …) are refused with
 * AGENTRY_INVALID_INPUT listing every violated rule.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` when the policy is invalid.
 * @example
 * const deploy = createDeployConfigPack({ maxReplicas: 10, allowedRegistries: ['ghcr.io/acme'] });
 * const { output } = await createRuntime({ packs: [deploy] }).invoke({
 *   agent: 'deploy-config', tenant: 'acme',
 *   input: { name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 8080, cpu: '500m', memory: '512Mi' },
 * });
 */
export function createDeployConfigPack(options: DeployConfigOptions = {}) {
  const policy = resolveDeployPolicy(options);
  return defineTaskPack({
    id: options.id ?? 'deploy-config',
    version: '1.0.0',
    description: 'Turns declared service settings into secure Kubernetes objects and Helm values, refusing unsafe requests.',
    input: serviceSettingsSchema,
    output: deployConfigOutputSchema,
    limits: { timeoutMs: 10_000 },
    handler: (settings, context) => renderDeployConfig(settings, tenantLabel(context.tenant), policy),
  });
}

/** The pack with the default policy. */
export const deployConfigPack = createDeployConfigPack();

// Tenant ids become label values and namespace names; keep them within what Kubernetes accepts.
function tenantLabel(tenant: string): string {
  const label = tenant
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return label === '' ? 'default' : label;
}
