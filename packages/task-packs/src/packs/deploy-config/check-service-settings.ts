import { AgentryError } from '@agentry/sdk';
import type { ResolvedDeployPolicy } from './deploy-policy';
import { parseImage } from './parse-image';
import { cpuMillicores, memoryBytes } from './quantity';
import type { ServiceSettings } from './service-settings-schema';

/** Why a request was refused: the rule, the field, and what to do instead. */
export interface DeployViolation {
  /** Stable rule id, e.g. `privileged`, `image-tag`, `limit-above-cap`. */
  rule: string;
  /** Dotted path of the offending field. */
  path: string;
  message: string;
}

// Names that almost always hold credentials; their values belong in a Secret, not in the manifest.
const secretLikeName = /(?:^|_)(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)(?:_|$)/i;

/**
 * Checks settings against the secure defaults and the policy and returns every violation at once,
 * so a tenant fixes them in one round.
 */
export function findViolations(settings: ServiceSettings, policy: ResolvedDeployPolicy): DeployViolation[] {
  const violations: DeployViolation[] = [];
  const refuse = (rule: string, path: string, message: string): void => void violations.push({ rule, path, message });

  if (settings.privileged === true)
    refuse('privileged', 'privileged', 'privileged containers are refused: they hold every capability of the node');
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (settings[field] === true) refuse(`host-namespace`, field, `${field} is refused: it shares the node's namespace with the container`);
  }
  if (settings.runAsUser === 0) refuse('run-as-root', 'runAsUser', 'uid 0 is root; containers run as a non-root uid (omit runAsUser)');
  if (settings.runAsNonRoot === false) refuse('run-as-root', 'runAsNonRoot', 'containers must run as non-root; omit runAsNonRoot');
  if (settings.allowPrivilegeEscalation === true) {
    refuse('privilege-escalation', 'allowPrivilegeEscalation', 'privilege escalation (setuid binaries) is refused; omit the field');
  }
  if (settings.readOnlyRootFilesystem === false) {
    refuse(
      'writable-root-filesystem',
      'readOnlyRootFilesystem',
      'the root filesystem stays read-only; list directories the app writes in writablePaths'
    );
  }
  if (settings.writablePaths.includes('/'))
    refuse('writable-root-filesystem', 'writablePaths', '"/" cannot be made writable; list the directories the app writes');
  if ((settings.capabilities ?? []).length > 0) {
    refuse(
      'added-capabilities',
      'capabilities',
      `adding capabilities (${settings.capabilities!.join(', ')}) is refused; every capability is dropped`
    );
  }
  if (settings.port < 1_024)
    refuse(
      'privileged-port',
      'port',
      `port ${settings.port} needs root to bind; listen on 1024 or above (8080) and keep servicePort ${settings.servicePort}`
    );

  checkImage(settings.image, policy, refuse);
  checkResource('cpu', settings.cpu, cpuMillicores, policy.maxCpuMillicores, policy.maxCpu, refuse);
  checkResource('memory', settings.memory, memoryBytes, policy.maxMemoryBytes, policy.maxMemory, refuse);

  if (settings.replicas > policy.maxReplicas)
    refuse('replicas-above-cap', 'replicas', `${settings.replicas} replicas is above the cap of ${policy.maxReplicas}`);
  if (settings.autoscaling !== undefined) {
    const { minReplicas, maxReplicas } = settings.autoscaling;
    if (maxReplicas > policy.maxReplicas)
      refuse('replicas-above-cap', 'autoscaling.maxReplicas', `maxReplicas ${maxReplicas} is above the cap of ${policy.maxReplicas}`);
    if (minReplicas > maxReplicas)
      refuse('autoscaling-range', 'autoscaling.minReplicas', `minReplicas ${minReplicas} is above maxReplicas ${maxReplicas}`);
  }
  if (settings.public && settings.host === undefined)
    refuse('public-without-host', 'host', 'a public service needs the host name its Ingress answers to');
  for (const name of Object.keys(settings.env)) {
    if (secretLikeName.test(name))
      refuse('plaintext-secret', `env.${name}`, `${name} looks like a credential; move it to secretEnv (a Kubernetes Secret reference)`);
    if (Object.hasOwn(settings.secretEnv, name)) refuse('env-conflict', `env.${name}`, `${name} is set in both env and secretEnv`);
  }
  settings.egress.forEach((rule, index) => {
    if (!isCidr(rule.cidr)) refuse('egress-cidr', `egress.${index}.cidr`, `${rule.cidr} is not an IPv4 or IPv6 CIDR block`);
  });
  return violations;
}

/**
 * Throws when the settings break a rule.
 * @throws AgentryError `AGENTRY_INVALID_INPUT` whose `details` lists every {@link DeployViolation}.
 */
export function assertSafeSettings(settings: ServiceSettings, policy: ResolvedDeployPolicy): void {
  const violations = findViolations(settings, policy);
  if (violations.length === 0) return;
  const rules = [...new Set(violations.map((violation) => violation.rule))].join(', ');
  throw new AgentryError('AGENTRY_INVALID_INPUT', `deploy-config ${settings.name}: refused unsafe settings (${rules})`, {
    details: violations,
    hint: 'Each entry of details names the rule, the field and the safe alternative; see docs/packs/deploy-config.md.',
  });
}

function checkImage(image: string, policy: ResolvedDeployPolicy, refuse: (rule: string, path: string, message: string) => void): void {
  const reference = parseImage(image);
  if (reference.digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(reference.digest)) {
    refuse('image-tag', 'image', `digest ${reference.digest} is not sha256:<64 hex digits>`);
  } else if (reference.digest === undefined) {
    if (reference.tag === undefined) refuse('image-tag', 'image', `${image} has no tag, which means latest; pin a version tag or a digest`);
    else if (reference.tag.toLowerCase() === 'latest')
      refuse('image-tag', 'image', 'the latest tag is refused: pin a version tag or a digest so rollouts are reproducible');
    else if (policy.requireDigest) refuse('image-digest', 'image', 'this cluster requires images pinned by digest (@sha256:…)');
  }
  if (
    policy.allowedRegistries !== undefined &&
    !policy.allowedRegistries.some((allowed) => reference.repository.startsWith(`${allowed.replace(/\/+$/, '')}/`))
  ) {
    refuse('image-registry', 'image', `${reference.repository} is not in an allowed registry (${policy.allowedRegistries.join(', ')})`);
  }
}

function checkResource(
  field: 'cpu' | 'memory',
  value: string | { request: string; limit?: string | undefined },
  measure: (quantity: string) => number,
  cap: number,
  capText: string,
  refuse: (rule: string, path: string, message: string) => void
): void {
  const request = typeof value === 'string' ? value : value.request;
  const limit = typeof value === 'string' ? value : value.limit;
  if (limit === undefined) {
    refuse('missing-limit', `${field}.limit`, `a ${field} limit is required (give one quantity to use it as request and limit)`);
    if (measure(request) > cap) refuse('limit-above-cap', `${field}.request`, `${field} request ${request} is above the cap of ${capText}`);
    return;
  }
  if (measure(limit) > cap) refuse('limit-above-cap', `${field}.limit`, `${field} limit ${limit} is above the cap of ${capText}`);
  if (measure(request) > measure(limit))
    refuse('request-above-limit', `${field}.request`, `${field} request ${request} is above its limit ${limit}`);
  if (measure(limit) <= 0) refuse('missing-limit', `${field}.limit`, `${field} limit must be above zero`);
}

function isCidr(cidr: string): boolean {
  const [address, bits, extra] = cidr.split('/');
  if (address === undefined || bits === undefined || extra !== undefined || !/^\d{1,3}$/.test(bits)) return false;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) return address.split('.').every((part) => Number(part) <= 255) && Number(bits) <= 32;
  return /^[0-9a-f:]+$/i.test(address) && address.includes(':') && Number(bits) <= 128;
}
