import { AgentryError, toAgentryError, type ErrorCode } from '../../contract';
import type { Invocation } from '../../core/invocation';
import type { Middleware } from '../../core/middleware';
import { admitInvocation, type Admission } from './admit-invocation';
import type { AuditRecord, AuditStage } from './audit/audit-entry';
import { resolveGovernanceOptions, type GovernanceOptions } from './governance-options';
import { addPiiCounts, redactPii, type PiiCounts } from './pii/redact-pii';
import { createStreamingRedactor, type StreamingRedactor } from './pii/streaming-redactor';
import { isAllowedByTier, toolAccessStateKey, type ToolAccessCheck } from './tier-access';

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
  async function recordAllowed(invocation: Invocation, admission: Allowed, outcome: 'succeeded' | 'failed' | 'cancelled', output: Output, code?: ErrorCode): Promise<void> {
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

  return {
    name: 'governance',
    async *handle(invocation, next) {
      const admission = await admitInvocation(invocation, resolved);
      if (!admission.allowed) throw await refusal(invocation, admission.tier, admission.error, admission.stage, admission.rule);
      const { tier } = admission;
      const { tiers, audit: trail } = resolved;
      if (tiers !== undefined) {
        const check: ToolAccessCheck = (tool) => isAllowedByTier(tiers, tier, 'tools', tool);
        invocation.state.set(toolAccessStateKey, check);
      }
      // Output redaction state: the streaming redactor is made at the first text delta (most
      // calls stream none), the counts of tool-call arguments and result output add up here.
      const output: Output = { redactor: undefined, counts: {} };
      // Whether the call's outcome has been audited (or needs no record: no trail configured).
      let recorded = false;
      try {
        for await (const event of next(admission.invocation)) {
          if (event.type === 'text-delta' && admission.redactOutput) {
            output.redactor ??= createStreamingRedactor({ ...piiOptions, holdBackChars: resolved.holdBackChars });
            const text = output.redactor.push(event.text);
            if (text !== '') yield { type: 'text-delta', text };
            continue;
          }
          // Held text goes out before anything that follows it, so event order is kept.
          if (output.redactor !== undefined) {
            const held = output.redactor.flush();
            if (held !== '') yield { type: 'text-delta', text: held };
          }
          if (event.type === 'tool-call') {
            if (tiers !== undefined && !isAllowedByTier(tiers, tier, 'tools', event.name)) {
              recorded = true;
              const error = new AgentryError(
                'AGENTRY_FORBIDDEN_TOOL',
                `invoke ${invocation.agent}@${invocation.version} stopped: ${tier === undefined ? 'a tenant without a tier' : `tier ${tier}`} may not use tool ${event.name}`,
                { requestId: invocation.requestId },
              );
              throw await refusal(invocation, tier, error, 'tool', undefined, redactionsOf(admission, output));
            }
            if (admission.redactOutput) {
              const args = redactPii(event.args, piiOptions);
              addPiiCounts(output.counts, args.counts);
              yield args.total === 0 ? event : { ...event, args: args.value };
            } else yield event;
          } else if (event.type === 'result') {
            let result = event.result;
            if (admission.redactOutput) {
              const redacted = redactPii(result.output, piiOptions);
              addPiiCounts(output.counts, redacted.counts);
              if (redacted.total > 0) result = { ...result, output: redacted.value };
            }
            recorded = true;
            if (trail !== undefined) await recordAllowed(invocation, admission, 'succeeded', output);
            yield result === event.result ? event : { type: 'result', result };
          } else yield event;
        }
        if (output.redactor !== undefined) {
          const held = output.redactor.flush();
          if (held !== '') yield { type: 'text-delta', text: held };
        }
      } catch (error) {
        if (!recorded) {
          recorded = true;
          if (trail !== undefined) {
            const failure = toAgentryError(error);
            await recordAllowed(invocation, admission, failure.code === 'AGENTRY_CANCELLED' ? 'cancelled' : 'failed', output, failure.code);
          }
        }
        throw error;
      } finally {
        // The consumer stopped reading before the result: still one record per call.
        if (!recorded && trail !== undefined) await recordAllowed(invocation, admission, 'cancelled', output);
      }
    },
  };
}

type Allowed = Extract<Admission, { allowed: true }>;

/** What governance redacted from one call's output so far. */
interface Output {
  redactor: StreamingRedactor | undefined;
  counts: PiiCounts;
}

function redactionsOf(admission: Allowed, output: Output): AuditRecord['redactions'] {
  return { input: admission.inputCounts, output: addPiiCounts({ ...output.counts }, output.redactor?.counts ?? {}) };
}
