import { AgentryError, toAgentryError, type ErrorCode } from '../../contract';
import type { AgentEvent, Invocation } from '../../core/invocation';
import type { Middleware } from '../../core/middleware';
import { admitInvocation } from './admit-invocation';
import type { AuditRecord, AuditStage } from './audit/audit-entry';
import { resolveGovernanceOptions, type GovernanceOptions } from './governance-options';
import { addPiiCounts, redactPii, type PiiCounts } from './pii/redact-pii';
import { createStreamingRedactor } from './pii/streaming-redactor';
import { isAllowedByTier, toolAccessStateKey, type ToolAccessCheck } from './tier-access';

/**
 * Governance: input size limit, tier-based access to agents and tools, deny rules, a policy
 * hook, redaction of personal data and secrets in inputs and outputs, and a hash-chained audit
 * record of every decision. Put it first (outermost), so it refuses before anything runs and
 * redacts what the caller finally sees.
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

  return {
    name: 'governance',
    async *handle(invocation, next) {
      const admission = await admitInvocation(invocation, resolved);
      if (!admission.allowed) throw await refusal(invocation, admission.tier, admission.error, admission.stage, admission.rule);
      const { tier, rule } = admission;
      const tiers = resolved.tiers;
      if (tiers !== undefined) {
        const check: ToolAccessCheck = (tool) => isAllowedByTier(tiers, tier, 'tools', tool);
        invocation.state.set(toolAccessStateKey, check);
      }
      const redactor = admission.redactOutput ? createStreamingRedactor({ ...piiOptions, holdBackChars: resolved.holdBackChars }) : undefined;
      const outputCounts: PiiCounts = {};
      const redactions = (): AuditRecord['redactions'] => ({ input: admission.inputCounts, output: addPiiCounts({ ...outputCounts }, redactor?.counts ?? {}) });
      const allowed = { ...(tier === undefined ? {} : { tier }), decision: 'allow' as const, ...(rule === undefined ? {} : { rule }) };
      let recorded = false;
      const record = async (outcome: 'succeeded' | 'failed' | 'cancelled', code?: ErrorCode): Promise<void> => {
        recorded = true;
        try {
          await audit(invocation, { ...allowed, outcome, ...(code === undefined ? {} : { code }), redactions: redactions() });
        } catch (error) {
          if (resolved.onAuditError === 'fail' && outcome === 'succeeded') {
            throw new AgentryError('AGENTRY_UNAVAILABLE', `invoke ${invocation.agent}@${invocation.version} failed: the audit log could not be written`, {
              cause: error,
              requestId: invocation.requestId,
              hint: 'Check the audit log store; no result is delivered without its audit record.',
            });
          }
        }
      };
      const pendingText = function* (): Generator<AgentEvent> {
        const text = redactor?.flush() ?? '';
        if (text !== '') yield { type: 'text-delta', text };
      };
      try {
        for await (const event of next(admission.invocation)) {
          if (event.type === 'text-delta' && redactor !== undefined) {
            const text = redactor.push(event.text);
            if (text !== '') yield { type: 'text-delta', text };
            continue;
          }
          // Held text goes out before anything that follows it, so event order is kept.
          yield* pendingText();
          if (event.type === 'tool-call') {
            if (tiers !== undefined && !isAllowedByTier(tiers, tier, 'tools', event.name)) {
              recorded = true;
              const error = new AgentryError(
                'AGENTRY_FORBIDDEN_TOOL',
                `invoke ${invocation.agent}@${invocation.version} stopped: ${tier === undefined ? 'a tenant without a tier' : `tier ${tier}`} may not use tool ${event.name}`,
                { requestId: invocation.requestId },
              );
              throw await refusal(invocation, tier, error, 'tool', undefined, redactions());
            }
            if (redactor !== undefined) {
              const args = redactPii(event.args, piiOptions);
              addPiiCounts(outputCounts, args.counts);
              yield args.total === 0 ? event : { ...event, args: args.value };
            } else yield event;
          } else if (event.type === 'result') {
            let result = event.result;
            if (redactor !== undefined) {
              const output = redactPii(result.output, piiOptions);
              addPiiCounts(outputCounts, output.counts);
              if (output.total > 0) result = { ...result, output: output.value };
            }
            await record('succeeded');
            yield result === event.result ? event : { type: 'result', result };
          } else yield event;
        }
        yield* pendingText();
      } catch (error) {
        if (!recorded) {
          const failure = toAgentryError(error);
          await record(failure.code === 'AGENTRY_CANCELLED' ? 'cancelled' : 'failed', failure.code);
        }
        throw error;
      } finally {
        // The consumer stopped reading before the result: still one record per call.
        if (!recorded) await record('cancelled');
      }
    },
  };
}
