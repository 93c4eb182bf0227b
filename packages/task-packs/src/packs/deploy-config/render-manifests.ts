import type { ResolvedDeployPolicy } from './deploy-policy';
import type { ServiceSettings } from './service-settings-schema';

/** A Kubernetes object as a plain JSON value. */
export type KubernetesObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
};

/** Rendered objects plus the notes a reviewer should see. */
export interface RenderedDeployment {
  namespace: string;
  objects: KubernetesObject[];
  warnings: string[];
}

/** Name of the namespace-wide default-deny NetworkPolicy. */
export const defaultDenyPolicyName = 'default-deny-all';

/**
 * Renders checked settings into Kubernetes objects with secure defaults: a ServiceAccount without
 * a mounted token; a Deployment whose pods run as a fixed non-root uid with a read-only root
 * filesystem, no privilege escalation, every capability dropped and the RuntimeDefault seccomp
 * profile, with requests, limits and probes; a ClusterIP Service; an HPA and a
 * PodDisruptionBudget when there is more than one replica; a namespace-wide default-deny
 * NetworkPolicy plus one that lets in only the declared callers (and the ingress controller for
 * public services) and lets out only DNS and the declared egress; an Ingress with TLS when public.
 * Call only with settings that passed `assertSafeSettings`.
 */
export function renderManifests(settings: ServiceSettings, tenant: string, policy: ResolvedDeployPolicy): RenderedDeployment {
  const namespace = settings.namespace ?? policy.namespaceFor(tenant);
  const name = settings.name;
  const selector = { 'app.kubernetes.io/name': name };
  const labels = { ...selector, 'app.kubernetes.io/managed-by': 'agentry', 'agentry.dev/tenant': tenant };
  const metadata = (objectName: string) => ({ name: objectName, namespace, labels });
  const warnings: string[] = [];
  const cpu = typeof settings.cpu === 'string' ? { request: settings.cpu, limit: settings.cpu } : settings.cpu;
  const memory = typeof settings.memory === 'string' ? { request: settings.memory, limit: settings.memory } : settings.memory;
  const minReplicas = settings.autoscaling?.minReplicas ?? settings.replicas;
  const replicas = settings.autoscaling
    ? Math.min(Math.max(settings.replicas, minReplicas), settings.autoscaling.maxReplicas)
    : settings.replicas;
  const writable = ['/tmp', ...settings.writablePaths.filter((path) => path !== '/tmp')];

  const env = [
    ...Object.keys(settings.env)
      .sort()
      .map((key) => ({ name: key, value: settings.env[key]! })),
    ...Object.keys(settings.secretEnv)
      .sort()
      .map((key) => ({
        name: key,
        valueFrom: { secretKeyRef: { name: settings.secretEnv[key]!.secret, key: settings.secretEnv[key]!.key } },
      })),
  ];

  const container = {
    name,
    image: settings.image,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ name: 'http', containerPort: settings.port, protocol: 'TCP' }],
    ...(env.length === 0 ? {} : { env }),
    resources: { requests: { cpu: cpu.request, memory: memory.request }, limits: { cpu: cpu.limit!, memory: memory.limit! } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: policy.runAsUser,
      runAsGroup: policy.runAsUser,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    livenessProbe: {
      httpGet: { path: settings.healthPath, port: 'http' },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
    },
    readinessProbe: { httpGet: { path: settings.readinessPath, port: 'http' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
    volumeMounts: writable.map((path, index) => ({ name: `writable-${index}`, mountPath: path })),
  };

  const objects: KubernetesObject[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(name), automountServiceAccountToken: false },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata(name),
      spec: {
        replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        // Surge first, never drop below the desired count during a rollout.
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: policy.runAsUser,
              runAsGroup: policy.runAsUser,
              fsGroup: policy.runAsUser,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [container],
            volumes: writable.map((_, index) => ({ name: `writable-${index}`, emptyDir: { sizeLimit: '256Mi' } })),
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'kubernetes.io/hostname',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: selector },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(name),
      spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: settings.servicePort, targetPort: 'http', protocol: 'TCP' }] },
    },
  ];

  if (settings.autoscaling) {
    objects.push({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: metadata(name),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: settings.autoscaling.minReplicas,
        maxReplicas: settings.autoscaling.maxReplicas,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: settings.autoscaling.targetCpuUtilization } },
          },
        ],
      },
    });
  }
  if (minReplicas >= 2) {
    objects.push({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: metadata(name),
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
    });
  } else {
    warnings.push(`${name} runs a single replica: no PodDisruptionBudget is rendered, so it is unavailable while its node drains`);
  }

  const port = [{ protocol: 'TCP', port: settings.port }];
  const ingress = [
    ...(settings.allowFrom.length === 0
      ? []
      : [
          {
            from: [
              {
                podSelector: {
                  matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: [...settings.allowFrom].sort() }],
                },
              },
            ],
            ports: port,
          },
        ]),
    ...(settings.public
      ? [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': policy.ingressNamespace } } }], ports: port }]
      : []),
  ];
  if (ingress.length === 0) warnings.push(`${name} accepts no traffic: list callers in allowFrom or set public`);
  objects.push(
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: metadata(defaultDenyPolicyName),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: metadata(name),
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress,
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
          ...settings.egress.map((rule) => ({
            to: [{ ipBlock: { cidr: rule.cidr } }],
            ...(rule.ports === undefined ? {} : { ports: rule.ports.map((egressPort) => ({ protocol: 'TCP', port: egressPort })) }),
          })),
        ],
      },
    }
  );
  if (settings.public && settings.host !== undefined) {
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: metadata(name),
      spec: {
        ingressClassName: policy.ingressClassName,
        tls: [{ hosts: [settings.host], secretName: `${name}-tls` }],
        rules: [
          {
            host: settings.host,
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { name: 'http' } } } }] },
          },
        ],
      },
    });
  } else if (settings.host !== undefined) {
    warnings.push(`${name} has a host but is not public: no Ingress is rendered`);
  }
  return { namespace, objects, warnings };
}
