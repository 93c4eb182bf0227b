import { AgentryError, type ErrorCode } from '../../contract';
import type { Invocation } from '../../core/invocation';
import type { Middleware } from '../../core/middleware';
import type { AuditRecord, AuditStage } from './audit/audit-entry';
import { resolveGovernanceOptions, type GovernanceOptions } from './governance-options';
import { GovernedEvents, redactionsOf, type Allowed, type GovernanceRules, type RedactedOutput } from './governed-events';
import { redactPii } from './pii/redact-pii';
import { redactingLogger } from './pii/redacting-logger';
import type { TaskPackLogger } from '../../core/task-pack';

/**
 * Governance: input size limit, tier-based access to agents and tools, deny rules, a policy
 * hook, redaction of personal data and secrets in inputs and outputs, and a hash-chained audit
 * record of every decision. Put it right inside the meter (`[meter, governance, budget, cache,
 * eval]`): it refuses before anything runs and redacts what the caller finally sees, while the
 * meter outside still records its refusals (docs/pipeline.md).
 *
 * On the way in it refuses with `AGENTRY_PAYLOAD_TOO_LARGE`, `AGENTRY_FORBIDDEN_TOOL` (tier) or
 * `AGENTRY_FORBIDDEN` (deny rule, policy, personal data with `pii.input: 'refuse'`), or passes on
 * a copy of the invocation with its input redacted. On the way out it redacts streamed text
 * (holding back a short tail so data split across deltas is caught), tool-call arguments and
 * the result output, and ends the stream with `AGENTRY_FORBIDDEN_TOOL` at a tool-call event
 * for a tool the tier does not allow. The audit record of an allowed call is written before its
 * result is delivered.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` at creation when an option (or the policy) is malformed.
 * @example
 * const runtime = createRuntime({
 *   packs,
 *   middleware: [
 *     governanceMiddleware({
 *       pii: { input: 'redact', output: 'redact' },
 *       tiers: { free: { agents: ['summarize'], tools: [] }, pro: {} },
 *       tenantTier: (tenant) => (tenant === 'acme' ? 'pro' : 'free'),
 *       maxInputBytes: 64_000,
 *       audit: createAuditTrail({ log: createJsonlAuditSink('audit.jsonl') }),
 *     }),
 *   ],
 * });
 */
export function governanceMiddleware(options: GovernanceOptions = {}): Middleware {
  const resolved = resolveGovernanceOptions(options);
  const piiOptions = resolved.piiTypes === undefined ? {} : { types: resolved.piiTypes };

  async function audit(invocation: Invocation, fields: Omit<AuditRecord, 'requestId' | 'invocationId' | 'tenant' | 'agent' | 'version' | 'mode'>): Promise<void> {
    if (resolved.audit === undefined) return;
    // Ids are chosen by callers and are sometimes an email address: those are stored redacted too.
    await resolved.audit.record({
      requestId: invocation.requestId,
      invocationId: invocation.id,
      tenant: redactPii(invocation.tenant).value,
      ...(invocation.subject === undefined ? {} : { subject: redactPii(invocation.subject).value }),
      agent: invocation.agent,
      version: invocation.version,
      mode: invocation.mode,
      ...fields,
    });
  }

  /** Records a refusal and returns the error to throw; a failed write does not un-refuse. */
  async function refusal(invocation: Invocation, tier: string | undefined, error: AgentryError, stage: AuditStage, rule?: string, redactions?: AuditRecord['redactions']): Promise<AgentryError> {
    await audit(invocation, {
      ...(tier === undefined ? {} : { tier }),
      decision: 'refuse',
      outcome: 'refused',
      code: error.code,
      stage,
      ...(rule === undefined ? {} : { rule }),
      reason: redactPii(error.message).value,
      ...(redactions === undefined ? {} : { redactions }),
    }).catch(() => {});
    return error;
  }

  /** Records how an allowed call ended; with `onAuditError: 'fail'`, a success that cannot be recorded fails. */
  async function recordAllowed(invocation: Invocation, admission: Allowed, outcome: 'succeeded' | 'failed' | 'cancelled', output: RedactedOutput, code?: ErrorCode): Promise<void> {
    const { tier, rule } = admission;
    try {
      await audit(invocation, {
        ...(tier === undefined ? {} : { tier }),
        decision: 'allow',
        ...(rule === undefined ? {} : { rule }),
        outcome,
        ...(code === undefined ? {} : { code }),
        redactions: redactionsOf(admission, output),
      });
    } catch (error) {
      if (resolved.onAuditError === 'fail' && outcome === 'succeeded') {
        throw new AgentryError('AGENTRY_UNAVAILABLE', `invoke ${invocation.agent}@${invocation.version} failed: the audit log could not be written`, {
          cause: error,
          requestId: invocation.requestId,
          hint: 'Check the audit log store; no result is delivered without its audit record.',
        });
      }
    }
  }

  // One redacting wrapper per logger, made the first time a call of this middleware needs it.
  const redactingLoggers = new WeakMap<TaskPackLogger, TaskPackLogger>();
  const packLogger =
    resolved.piiLogs === 'off'
      ? undefined
      : (logger: TaskPackLogger): TaskPackLogger => {
          let wrapped = redactingLoggers.get(logger);
          if (wrapped === undefined) redactingLoggers.set(logger, (wrapped = redactingLogger(logger, piiOptions)));
          return wrapped;
        };
  const rules: GovernanceRules = { resolved, piiOptions, packLogger, refusal, recordAllowed };
  return {
    name: 'governance',
    handle: (invocation, next) => new GovernedEvents(invocation, next, rules),
  };
}
