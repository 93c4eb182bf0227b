import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRuntime, type AgentryError, type Runtime } from '@agentry/sdk';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createDeployConfigPack, deployConfigPack } from './deploy-config-pack';
import type { DeployConfigOutput } from './service-settings-schema';
import { structuralProblems } from './validate-manifests';
import type { KubernetesObject } from './render-manifests';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const webService = JSON.parse(readFileSync(`${fixtures}web-service.json`, 'utf8')) as Record<string, unknown>;
const unsafe = JSON.parse(readFileSync(`${fixtures}unsafe-requests.json`, 'utf8')) as Array<{
  case: string;
  change: Record<string, unknown>;
  rule: string;
  path: string;
}>;

async function render(
  input: Record<string, unknown>,
  runtime: Runtime = createRuntime({ packs: [deployConfigPack] })
): Promise<DeployConfigOutput> {
  const result = await runtime.invoke({ agent: 'deploy-config', input, tenant: 'acme' });
  return result.output as DeployConfigOutput;
}

/** Renders expecting a refusal, and returns it. */
async function refusal(
  input: Record<string, unknown>,
  runtime?: Runtime
): Promise<AgentryError & { details: Array<{ rule: string; path: string }> }> {
  try {
    await render(input, runtime);
  } catch (error) {
    expect(error).toMatchObject({ code: 'AGENTRY_INVALID_INPUT' });
    return error as AgentryError & { details: Array<{ rule: string; path: string }> };
  }
  throw new Error('expected the settings to be refused');
}

function byKind(output: DeployConfigOutput, kind: string, name?: string): Record<string, any> {
  const found = output.objects.find(
    (object) => object.kind === kind && (name === undefined || (object.metadata as { name: string }).name === name)
  );
  if (!found) throw new Error(`no ${kind} ${name ?? ''}`);
  return found;
}

function withChange(change: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = { ...webService, ...change };
  for (const [key, value] of Object.entries(change)) if (value === null) delete input[key];
  return input;
}

describe('deploy-config pack', () => {
  it('renders every object in apply order, in the tenant namespace', async () => {
    const output = await render(webService);
    expect(output.namespace).toBe('tenant-acme');
    expect(output.objects.map((object) => `${object.kind}/${(object.metadata as { name: string }).name}`)).toEqual([
      'ServiceAccount/storefront',
      'Deployment/storefront',
      'Service/storefront',
      'HorizontalPodAutoscaler/storefront',
      'PodDisruptionBudget/storefront',
      'NetworkPolicy/default-deny-all',
      'NetworkPolicy/storefront',
      'Ingress/storefront',
    ]);
    expect(output.warnings).toEqual([]);
  });

  it('applies the secure defaults to the pod and its container', async () => {
    const pod = byKind(await render(webService), 'Deployment').spec.template.spec;
    expect(pod).toMatchObject({
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    });
    expect(pod.hostNetwork).toBeUndefined();
    const [container] = pod.containers;
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    // The root filesystem is read-only; /tmp and the declared paths are empty volumes.
    expect(container.volumeMounts.map((mount: { mountPath: string }) => mount.mountPath)).toEqual(['/tmp', '/var/cache/storefront']);
    expect(container.env).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'NODE_ENV', value: 'production' },
      { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'storefront-db', key: 'password' } } },
    ]);
  });

  it('denies all traffic by default and lets in only the declared callers and the ingress controller', async () => {
    const output = await render(webService);
    expect(byKind(output, 'NetworkPolicy', 'default-deny-all').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const policy = byKind(output, 'NetworkPolicy', 'storefront').spec;
    expect(policy.ingress).toEqual([
      {
        from: [{ podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['checkout'] }] } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
    expect(policy.egress).toHaveLength(2);
    expect(policy.egress[1]).toEqual({ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5432 }] });
  });

  it('renders an Ingress with TLS for a public service and none for an internal one', async () => {
    expect(byKind(await render(webService), 'Ingress').spec.tls).toEqual([{ hosts: ['shop.acme.example'], secretName: 'storefront-tls' }]);
    const internal = await render(withChange({ public: false, host: null }));
    expect(internal.objects.some((object) => object.kind === 'Ingress')).toBe(false);
    expect(byKind(internal, 'NetworkPolicy', 'storefront').spec.ingress).toHaveLength(1);
  });

  it('emits a YAML stream that parses back into the same objects', async () => {
    const output = await render(webService);
    const documents = parseAllDocuments(output.yaml);
    expect([...documents].map((document) => document.toJS())).toEqual(output.objects);
    for (const object of output.objects) expect(structuralProblems(object as KubernetesObject)).toEqual([]);
  });

  it('derives Helm values that agree with the objects', async () => {
    const output = await render(webService);
    expect(output.values).toMatchObject({
      replicaCount: 3,
      image: { repository: 'ghcr.io/acme/storefront', tag: '2.4.1', pullPolicy: 'IfNotPresent' },
      serviceAccount: { create: true, automount: false },
      service: { type: 'ClusterIP', port: 80 },
      containerPort: 8080,
      autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 10, targetCPUUtilizationPercentage: 65 },
      podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
      ingress: { enabled: true, className: 'nginx', hosts: [{ host: 'shop.acme.example' }] },
      securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    });
  });

  it('warns instead of rendering a PodDisruptionBudget for a single replica', async () => {
    const output = await render(withChange({ replicas: 1, autoscaling: null }));
    expect(output.objects.some((object) => object.kind === 'PodDisruptionBudget' || object.kind === 'HorizontalPodAutoscaler')).toBe(false);
    expect(output.warnings).toEqual([expect.stringContaining('single replica')]);
  });

  it('accepts an image pinned by digest, even with the latest tag', async () => {
    const image = `ghcr.io/acme/storefront:latest@sha256:${'b'.repeat(64)}`;
    const output = await render(withChange({ image }));
    expect(byKind(output, 'Deployment').spec.template.spec.containers[0].image).toBe(image);
    expect(output.values).toMatchObject({ image: { tag: 'latest', digest: `sha256:${'b'.repeat(64)}` } });
  });

  it('is deterministic: the same settings give byte-identical YAML', async () => {
    expect((await render(webService)).yaml).toBe((await render(structuredClone(webService))).yaml);
  });

  it.each(unsafe)('refuses $case with AGENTRY_INVALID_INPUT (rule $rule)', async ({ change, rule, path }) => {
    const error = await refusal(withChange(change));
    expect(error.details).toContainEqual(expect.objectContaining({ rule, path }));
    expect(error.message).toContain(rule);
  });

  it('lists every violation of one request at once', async () => {
    const error = await refusal(withChange({ privileged: true, hostNetwork: true, image: 'nginx:latest', memory: { request: '1Gi' } }));
    expect(error.details.map((violation) => violation.rule)).toEqual(['privileged', 'host-namespace', 'image-tag', 'missing-limit']);
  });

  it('refuses unknown fields (such as hostPath volumes) through the strict schema', async () => {
    await expect(render(withChange({ volumes: [{ hostPath: { path: '/' } }] }))).rejects.toMatchObject({ code: 'AGENTRY_INVALID_INPUT' });
  });

  it('enforces an operator policy: registries, digests and caps', async () => {
    const strict = createRuntime({
      packs: [
        createDeployConfigPack({ allowedRegistries: ['registry.acme.example'], requireDigest: true, maxReplicas: 2, maxCpu: '500m' }),
      ],
    });
    const error = await refusal(withChange({ replicas: 2, autoscaling: null }), strict);
    expect(error.details.map((violation) => violation.rule)).toEqual(['image-digest', 'image-registry', 'limit-above-cap']);
    expect(() => createDeployConfigPack({ maxCpu: 'lots' })).toThrow(expect.objectContaining({ code: 'AGENTRY_INVALID_OPTIONS' }));
    expect(() => createDeployConfigPack({ runAsUser: 0 })).toThrow(/runAsUser/);
  });
});
