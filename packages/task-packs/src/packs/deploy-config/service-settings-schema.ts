import { z } from 'zod';
import { cpuPattern, memoryPattern } from './quantity';

const dnsLabel = z.string().regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'lowercase letters, digits and dashes, starting with a letter');
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
const port = z.number().int().min(1).max(65_535);
const path = z.string().regex(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/, 'an absolute path');
const cpu = z.string().regex(cpuPattern, 'a CPU quantity such as 250m or 1.5');
const memory = z.string().regex(memoryPattern, 'a memory quantity such as 256Mi or 1Gi');

/**
 * A tenant's declared settings of one service: the input of the deploy-config pack.
 *
 * The fields under "refused requests" exist so that asking for them is answered with a clear,
 * coded refusal instead of being silently dropped; any other unknown field fails validation.
 */
export const serviceSettingsSchema = z.strictObject({
  /** Service name, used for every object; at most 42 characters so derived names stay under 63. */
  name: dnsLabel.max(42),
  /** Container image with a pinned tag or digest, e.g. `ghcr.io/acme/api:1.4.2`. */
  image: z
    .string()
    .min(1)
    .max(512)
    .regex(/^[^\s]+$/, 'no spaces'),
  /** Port the container listens on (1024 or above: the container runs without root). */
  port,
  /** Port the Service exposes inside the cluster. @default 80 */
  servicePort: port.default(80),
  /** Pods to run. @default 2 */
  replicas: z.number().int().min(1).max(10_000).default(2),
  /** Scale on CPU between these bounds; `replicas` is then the starting count. */
  autoscaling: z
    .strictObject({
      minReplicas: z.number().int().min(1),
      maxReplicas: z.number().int().min(1),
      /** Target average CPU utilisation in percent. @default 70 */
      targetCpuUtilization: z.number().int().min(1).max(100).default(70),
    })
    .optional(),
  /** CPU: one quantity (request = limit) or `{ request, limit }`. */
  cpu: z.union([cpu, z.strictObject({ request: cpu, limit: cpu.optional() })]),
  /** Memory: one quantity (request = limit) or `{ request, limit }`. */
  memory: z.union([memory, z.strictObject({ request: memory, limit: memory.optional() })]),
  /** Plain environment variables. Secrets go in `secretEnv`. @default {} */
  env: z.record(envName, z.string().max(32_768)).default({}),
  /** Environment variables read from Kubernetes Secrets. @default {} */
  secretEnv: z.record(envName, z.strictObject({ secret: dnsLabel.max(253), key: z.string().min(1).max(253) })).default({}),
  /** Reachable from outside the cluster through the ingress controller. @default false */
  public: z.boolean().default(false),
  /** Host name of the public Ingress; required when `public`. */
  host: z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/, 'a lowercase DNS name')
    .optional(),
  /** Liveness probe path. @default '/healthz' */
  healthPath: path.default('/healthz'),
  /** Readiness probe path. @default '/readyz' */
  readinessPath: path.default('/readyz'),
  /** Names of services in the same namespace allowed to call this one. @default [] */
  allowFrom: z.array(dnsLabel.max(63)).max(50).default([]),
  /** Outbound destinations besides cluster DNS. @default [] (none) */
  egress: z
    .array(z.strictObject({ cidr: z.string().min(1).max(43), ports: z.array(port).max(20).optional() }))
    .max(50)
    .default([]),
  /** Writable directories (empty volumes); the root filesystem stays read-only. `/tmp` is always writable. @default [] */
  writablePaths: z.array(path).max(10).default([]),
  /** Target namespace. @default the policy's namespace for the tenant */
  namespace: dnsLabel.max(63).optional(),
  // Refused requests.
  privileged: z.boolean().optional(),
  hostNetwork: z.boolean().optional(),
  hostPID: z.boolean().optional(),
  hostIPC: z.boolean().optional(),
  runAsUser: z.number().int().min(0).optional(),
  runAsNonRoot: z.boolean().optional(),
  allowPrivilegeEscalation: z.boolean().optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
  /** Linux capabilities to add: always refused (every capability is dropped). */
  capabilities: z.array(z.string()).optional(),
});

/** Settings as declared by the tenant (defaults optional). */
export type ServiceSettingsInput = z.input<typeof serviceSettingsSchema>;
/** Settings with defaults filled in. */
export type ServiceSettings = z.output<typeof serviceSettingsSchema>;

/** Output of the deploy-config pack. */
export const deployConfigOutputSchema = z.object({
  namespace: z.string(),
  /** Kubernetes objects, in apply order. */
  objects: z.array(z.record(z.string(), z.unknown())),
  /** The same objects as a multi-document YAML stream (`kubectl apply -f -`). */
  yaml: z.string(),
  /** The same deployment as values for a chart in `helm create`'s layout. */
  values: z.record(z.string(), z.unknown()),
  /** Safe but noteworthy choices, e.g. no PodDisruptionBudget for a single replica. */
  warnings: z.array(z.string()),
});

/** What the deploy-config pack returns. */
export type DeployConfigOutput = z.infer<typeof deployConfigOutputSchema>;
