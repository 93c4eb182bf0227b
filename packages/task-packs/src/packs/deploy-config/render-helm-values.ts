import { parseImage } from './parse-image';
import type { KubernetesObject } from './render-manifests';

/**
 * Re-expresses rendered objects as values for a chart laid out like `helm create`'s (image,
 * replicaCount, serviceAccount, podSecurityContext, securityContext, service, ingress, resources,
 * probes, autoscaling, volumes), plus `env`, `podDisruptionBudget` and `networkPolicy` blocks.
 * Derived from the objects, so the two forms cannot disagree.
 */
export function renderHelmValues(objects: readonly KubernetesObject[]): Record<string, unknown> {
  const find = (kind: string, name?: string) =>
    objects.find((object) => object.kind === kind && (name === undefined || object.metadata.name === name)) as
      | Record<string, any>
      | undefined;
  const deployment = find('Deployment')!;
  const podSpec = deployment.spec.template.spec;
  const container = podSpec.containers[0];
  const service = find('Service')!;
  const hpa = find('HorizontalPodAutoscaler');
  const pdb = find('PodDisruptionBudget');
  const ingress = find('Ingress');
  const policy = find('NetworkPolicy', deployment.metadata.name);
  const image = parseImage(container.image);
  return {
    replicaCount: deployment.spec.replicas,
    image: {
      repository: image.repository,
      tag: image.tag ?? '',
      ...(image.digest === undefined ? {} : { digest: image.digest }),
      pullPolicy: container.imagePullPolicy,
    },
    serviceAccount: { create: true, automount: false, name: podSpec.serviceAccountName },
    podLabels: deployment.spec.template.metadata.labels,
    podSecurityContext: podSpec.securityContext,
    securityContext: container.securityContext,
    containerPort: container.ports[0].containerPort,
    env: container.env ?? [],
    service: { type: service.spec.type, port: service.spec.ports[0].port },
    ingress: ingress
      ? {
          enabled: true,
          className: ingress.spec.ingressClassName,
          hosts: ingress.spec.rules.map((rule: any) => ({ host: rule.host, paths: [{ path: '/', pathType: 'Prefix' }] })),
          tls: ingress.spec.tls,
        }
      : { enabled: false },
    resources: container.resources,
    livenessProbe: container.livenessProbe,
    readinessProbe: container.readinessProbe,
    autoscaling: hpa
      ? {
          enabled: true,
          minReplicas: hpa.spec.minReplicas,
          maxReplicas: hpa.spec.maxReplicas,
          targetCPUUtilizationPercentage: hpa.spec.metrics[0].resource.target.averageUtilization,
        }
      : { enabled: false },
    podDisruptionBudget: pdb ? { enabled: true, maxUnavailable: pdb.spec.maxUnavailable } : { enabled: false },
    networkPolicy: { enabled: true, defaultDeny: true, ingress: policy?.spec.ingress ?? [], egress: policy?.spec.egress ?? [] },
    volumes: podSpec.volumes,
    volumeMounts: container.volumeMounts,
    topologySpreadConstraints: podSpec.topologySpreadConstraints,
  };
}
