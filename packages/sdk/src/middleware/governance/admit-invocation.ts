import { AgentryError, toAgentryError } from '../../contract';
import type { Invocation } from '../../core/invocation';
import type { AuditStage } from './audit/audit-entry';
import { findDenyRule } from './deny-rules';
import type { ResolvedGovernanceOptions } from './governance-options';
import { inputBytesOver, inputText } from './input-text';
import { redactPii, type PiiCounts } from './pii/redact-pii';
import { isAllowedByTier } from './tier-access';
import type { PolicyFunction } from './policy/policy';

/** The outcome of governance's checks before a call runs. */
export type Admission =
  | {
      readonly allowed: true;
      /** The invocation to pass on: the original, or a copy with its input redacted. */
      readonly invocation: Invocation;
      readonly tier: string | undefined;
      /** Whether to redact the output (pii.output, or a policy that asked for it). */
      readonly redactOutput: boolean;
      readonly inputCounts: PiiCounts;
      readonly rule: string | undefined;
    }
  | {
      readonly allowed: false;
      readonly error: AgentryError;
      readonly stage: AuditStage;
      readonly tier: string | undefined;
      readonly rule: string | undefined;
    };

/**
 * Runs governance's checks in order, cheapest first: input size, the tier's agents, deny rules,
 * the policy, then personal data in the input (refuse, or redact into a new invocation).
 * Anything that throws inside a check (a tier lookup, a policy) refuses: checks fail closed.
 * Synchronous unless a tier lookup or the policy returns a promise (most calls await nothing).
 */
export function admitInvocation(invocation: Invocation, options: ResolvedGovernanceOptions): Admission | Promise<Admission> {
  const label = `invoke ${invocation.agent}@${invocation.version} refused`;
  let stage: AuditStage = 'size';
  try {
    if (options.maxInputBytes !== undefined) {
      const bytes = inputBytesOver(invocation.input, options.maxInputBytes);
      if (bytes !== undefined) {
        return refused(
          invocation,
          new AgentryError('AGENTRY_PAYLOAD_TOO_LARGE', `${label}: the input is ${bytes} bytes, over the limit of ${options.maxInputBytes}`, {
            hint: `Send an input of at most ${options.maxInputBytes} bytes (UTF-8 JSON).`,
          }),
          stage,
          undefined,
        );
      }
    }
    stage = 'tier';
    const tier = options.tenantTier === undefined ? undefined : options.tenantTier(invocation.tenant);
    if (isThenable(tier)) {
      return Promise.resolve(tier).then(
        (settled) => afterTier(invocation, options, label, settled),
        (error: unknown) => failedCheck(invocation, label, 'tier', undefined, error),
      );
    }
    return afterTier(invocation, options, label, tier);
  } catch (error) {
    return failedCheck(invocation, label, stage, undefined, error);
  }
}

/** The checks after the tier is known: the tier's agents, deny rules, then the policy. */
function afterTier(invocation: Invocation, options: ResolvedGovernanceOptions, label: string, tier: string | undefined): Admission | Promise<Admission> {
  let stage: AuditStage = 'tier';
  try {
    if (options.tiers !== undefined && !isAllowedByTier(options.tiers, tier, 'agents', invocation.agent)) {
      const who = tier === undefined ? `tenant ${invocation.tenant} has no tier, so it` : `tier ${tier} of tenant ${invocation.tenant}`;
      return refused(invocation, new AgentryError('AGENTRY_FORBIDDEN_TOOL', `${label}: ${who} may not use agent ${invocation.agent}`), stage, tier);
    }
    stage = 'deny';
    const text = options.deny.length > 0 || options.policy !== undefined ? inputText(invocation.input) : '';
    const denied = findDenyRule(options.deny, invocation.agent, text);
    if (denied !== undefined) {
      return refused(invocation, new AgentryError('AGENTRY_FORBIDDEN', `${label} by deny rule ${denied.id}: ${denied.reason}`), stage, tier, denied.id);
    }
    stage = 'policy';
    if (options.policy === undefined) return afterPolicy(invocation, options, label, tier, false, undefined);
    const decision = options.policy(invocation, { tier, inputText: text });
    if (isThenable(decision)) {
      return Promise.resolve(decision).then(
        (settled) => withDecision(invocation, options, label, tier, settled),
        (error: unknown) => failedCheck(invocation, label, 'policy', tier, error),
      );
    }
    return withDecision(invocation, options, label, tier, decision);
  } catch (error) {
    return failedCheck(invocation, label, stage, tier, error);
  }
}

/** Refuses as the policy decided, or goes on to the personal-data check. */
function withDecision(
  invocation: Invocation,
  options: ResolvedGovernanceOptions,
  label: string,
  tier: string | undefined,
  decision: Awaited<ReturnType<PolicyFunction>>,
): Admission {
  try {
    const rule = decision.rule;
    if (!decision.allow) {
      // A policy's reason is free text: keep personal data out of the error and the audit log.
      const reason = redactPii(String(decision.reason)).value;
      const where = rule === undefined ? 'by policy' : `by policy rule ${rule}`;
      return refused(invocation, new AgentryError(decision.code ?? 'AGENTRY_FORBIDDEN', `${label} ${where}: ${reason}`), 'policy', tier, rule);
    }
    return afterPolicy(invocation, options, label, tier, decision.redact === true, rule);
  } catch (error) {
    return failedCheck(invocation, label, 'policy', tier, error);
  }
}

/** The last check: personal data in the input, refused or redacted into the invocation passed on. */
function afterPolicy(
  invocation: Invocation,
  options: ResolvedGovernanceOptions,
  label: string,
  tier: string | undefined,
  forceRedact: boolean,
  rule: string | undefined,
): Admission {
  try {
    const piiOptions = options.piiTypes === undefined ? noOptions : { types: options.piiTypes };
    const inputMode = forceRedact && options.piiInput === 'off' ? 'redact' : options.piiInput;
    let forwarded = invocation;
    let inputCounts: PiiCounts = {};
    if (inputMode !== 'off') {
      const redaction = redactPii(invocation.input, piiOptions);
      inputCounts = redaction.counts;
      if (redaction.total > 0 && inputMode === 'refuse') {
        const found = Object.entries(redaction.counts).map(([type, count]) => `${type} ${count}`).join(', ');
        return refused(
          invocation,
          new AgentryError('AGENTRY_FORBIDDEN', `${label}: the input contains personal data or secrets (${found})`, {
            hint: 'Remove personal data and secrets from the input; this agent does not accept them.',
            details: { pii: redaction.counts },
          }),
          'pii',
          tier,
        );
      }
      if (redaction.total > 0) forwarded = { ...invocation, input: redaction.value };
    }
    return { allowed: true, invocation: forwarded, tier, redactOutput: forceRedact || options.piiOutput === 'redact', inputCounts, rule };
  } catch (error) {
    return failedCheck(invocation, label, 'pii', tier, error);
  }
}

function failedCheck(invocation: Invocation, label: string, stage: AuditStage, tier: string | undefined, error: unknown): Admission {
  return refused(invocation, toAgentryError(error, 'AGENTRY_INTERNAL', `${label}: the ${stage} check failed`), stage, tier);
}

const noOptions = {};

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function refused(invocation: Invocation, error: AgentryError, stage: AuditStage, tier: string | undefined, rule?: string): Admission {
  error.requestId ??= invocation.requestId;
  return { allowed: false, error, stage, tier, rule };
}
