import { AgentryError, toAgentryError } from '../../contract';
import type { Invocation } from '../../core/invocation';
import type { AuditStage } from './audit/audit-entry';
import { findDenyRule } from './deny-rules';
import type { ResolvedGovernanceOptions } from './governance-options';
import { inputBytes, inputText } from './input-text';
import { redactPii, type PiiCounts } from './pii/redact-pii';
import { isAllowedByTier } from './tier-access';

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
 */
export async function admitInvocation(invocation: Invocation, options: ResolvedGovernanceOptions): Promise<Admission> {
  const label = `invoke ${invocation.agent}@${invocation.version} refused`;
  let tier: string | undefined;
  let stage: AuditStage = 'size';
  try {
    if (options.maxInputBytes !== undefined) {
      const bytes = inputBytes(invocation.input);
      if (bytes > options.maxInputBytes) {
        return refused(
          invocation,
          new AgentryError('AGENTRY_PAYLOAD_TOO_LARGE', `${label}: the input is ${bytes} bytes, over the limit of ${options.maxInputBytes}`, {
            hint: `Send an input of at most ${options.maxInputBytes} bytes (UTF-8 JSON).`,
          }),
          stage,
          tier,
        );
      }
    }
    stage = 'tier';
    if (options.tenantTier !== undefined) tier = await options.tenantTier(invocation.tenant);
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
    let forceRedact = false;
    let rule: string | undefined;
    if (options.policy !== undefined) {
      const decision = await options.policy(invocation, { tier, inputText: text });
      rule = decision.rule;
      if (!decision.allow) {
        // A policy's reason is free text: keep personal data out of the error and the audit log.
        const reason = redactPii(String(decision.reason)).value;
        const where = rule === undefined ? 'by policy' : `by policy rule ${rule}`;
        return refused(invocation, new AgentryError(decision.code ?? 'AGENTRY_FORBIDDEN', `${label} ${where}: ${reason}`), stage, tier, rule);
      }
      forceRedact = decision.redact === true;
    }
    stage = 'pii';
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
          stage,
          tier,
        );
      }
      if (redaction.total > 0) forwarded = { ...invocation, input: redaction.value };
    }
    return { allowed: true, invocation: forwarded, tier, redactOutput: forceRedact || options.piiOutput === 'redact', inputCounts, rule };
  } catch (error) {
    return refused(invocation, toAgentryError(error, 'AGENTRY_INTERNAL', `${label}: the ${stage} check failed`), stage, tier);
  }
}

const noOptions = {};

function refused(invocation: Invocation, error: AgentryError, stage: AuditStage, tier: string | undefined, rule?: string): Admission {
  error.requestId ??= invocation.requestId;
  return { allowed: false, error, stage, tier, rule };
}
