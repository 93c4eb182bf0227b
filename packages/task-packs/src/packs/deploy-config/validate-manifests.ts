import { isDeepStrictEqual } from 'node:util';
import { AgentryError } from '@agentry/sdk';
import { parseAllDocuments, stringify } from 'yaml';
import type { KubernetesObject } from './render-manifests';

const dnsSubdomain = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Serialises objects into one multi-document YAML stream and proves it: the stream parses back
 * without errors or warnings into exactly the same objects, and each object passes structural
 * checks (apiVersion, kind and a DNS-safe name; every container with limits, probes and the
 * secure security context; selectors that match the pods they target).
 *
 * @returns the YAML text.
 * @throws AgentryError `AGENTRY_INTERNAL` listing every problem: rendered objects that fail are a
 * bug in the renderer, never the tenant's fault.
 */
export function serializeAndValidate(objects: readonly KubernetesObject[]): string {
  const problems = objects.flatMap((object, index) =>
    structuralProblems(object).map((problem) => `objects[${index}] ${object.kind}/${object.metadata?.name}: ${problem}`)
  );
  const yaml = objects.map((object) => stringify(object, { lineWidth: 0 })).join('---\n');
  const documents = parseAllDocuments(yaml);
  const parsed = [...documents];
  if (parsed.length !== objects.length) problems.push(`the YAML stream holds ${parsed.length} documents for ${objects.length} objects`);
  parsed.forEach((document, index) => {
    for (const issue of [...document.errors, ...document.warnings]) problems.push(`YAML document ${index}: ${issue.message}`);
    if (!isDeepStrictEqual(document.toJS(), objects[index]))
      problems.push(`YAML document ${index} does not read back as the object it was written from`);
  });
  if (problems.length > 0) {
    throw new AgentryError('AGENTRY_INTERNAL', `deploy-config rendered invalid objects: ${problems[0]}`, { details: problems });
  }
  return yaml;
}

/** Structural problems of one rendered object (empty when it is sound). */
export function structuralProblems(object: KubernetesObject): string[] {
  const problems: string[] = [];
  const spec = (object as { spec?: Record<string, any> }).spec;
  if (typeof object.apiVersion !== 'string' || object.apiVersion === '') problems.push('apiVersion is missing');
  if (typeof object.kind !== 'string' || object.kind === '') problems.push('kind is missing');
  if (!dnsSubdomain.test(object.metadata?.name ?? '')) problems.push(`metadata.name "${object.metadata?.name}" is not a DNS subdomain`);
  if (object.metadata?.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(object.metadata.namespace)) {
    problems.push(`metadata.namespace "${object.metadata.namespace}" is not a DNS label`);
  }
  if (object.kind === 'Deployment') {
    const template = spec?.template;
    const selector = spec?.selector?.matchLabels ?? {};
    if (!matches(selector, template?.metadata?.labels)) problems.push('spec.selector does not match the pod template labels');
    const pod = template?.spec ?? {};
    if (pod.securityContext?.runAsNonRoot !== true) problems.push('pod securityContext.runAsNonRoot is not true');
    if (pod.securityContext?.seccompProfile?.type !== 'RuntimeDefault') problems.push('pod seccompProfile is not RuntimeDefault');
    if (pod.hostNetwork || pod.hostPID || pod.hostIPC) problems.push('the pod shares a host namespace');
    for (const container of pod.containers ?? []) {
      const context = container.securityContext ?? {};
      if (context.privileged !== false) problems.push(`container ${container.name} is not explicitly unprivileged`);
      if (context.allowPrivilegeEscalation !== false) problems.push(`container ${container.name} allows privilege escalation`);
      if (context.readOnlyRootFilesystem !== true) problems.push(`container ${container.name} has a writable root filesystem`);
      if (!isDeepStrictEqual(context.capabilities?.drop, ['ALL']) || context.capabilities?.add)
        problems.push(`container ${container.name} does not drop ALL capabilities`);
      if (!(context.runAsUser > 0)) problems.push(`container ${container.name} may run as root`);
      for (const resource of ['cpu', 'memory']) {
        if (!container.resources?.limits?.[resource] || !container.resources?.requests?.[resource])
          problems.push(`container ${container.name} lacks a ${resource} request or limit`);
      }
      if (!container.livenessProbe || !container.readinessProbe)
        problems.push(`container ${container.name} lacks a liveness or readiness probe`);
      if (/:latest$/.test(container.image) || !/[:@]/.test(container.image.split('/').pop() ?? ''))
        problems.push(`container ${container.name} image is not pinned`);
    }
  }
  if (object.kind === 'Service' && (!spec?.selector || Object.keys(spec.selector).length === 0))
    problems.push('the Service selects no pods');
  if (object.kind === 'NetworkPolicy' && !isDeepStrictEqual([...(spec?.policyTypes ?? [])].sort(), ['Egress', 'Ingress'])) {
    problems.push('the NetworkPolicy does not govern both Ingress and Egress');
  }
  if (object.kind === 'HorizontalPodAutoscaler' && !(spec?.minReplicas <= spec?.maxReplicas))
    problems.push('minReplicas is above maxReplicas');
  return problems;
}

function matches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}
