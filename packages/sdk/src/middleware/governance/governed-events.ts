import { AgentryError, toAgentryError, type ErrorCode } from '../../contract';
import type { AgentEvent, Invocation } from '../../core/invocation';
import { GatedEvents, type EventStep } from '../gated-events';
import { admitInvocation, type Admission } from './admit-invocation';
import type { AuditRecord, AuditStage } from './audit/audit-entry';
import type { ResolvedGovernanceOptions } from './governance-options';
import type { DetectPiiOptions } from './pii/detect-pii';
import { addPiiCounts, redactPii, type PiiCounts } from './pii/redact-pii';
import { createStreamingRedactor, type StreamingRedactor } from './pii/streaming-redactor';
import { isAllowedByTier, toolAccessStateKey, type ToolAccessCheck } from './tier-access';
import { minTierStateKey, type MinTierCheck } from '../../core/tool-access';
import { packLoggerStateKey, type PackLoggerWrapper } from '../../core/pack-logger-state';

/** An admission that let the call run. */
export type Allowed = Extract<Admission, { allowed: true }>;

/** What governance redacted from one call's output so far. */
export interface RedactedOutput {
  redactor: StreamingRedactor | undefined;
  counts: PiiCounts;
}

/** The governance middleware's options and audit writers: what every call's events share. */
export interface GovernanceRules {
  readonly resolved: ResolvedGovernanceOptions;
  readonly piiOptions: DetectPiiOptions;
  /** Wraps a pack's logger so what it logs is redacted; undefined with `pii.logs: 'off'`. */
  readonly packLogger: PackLoggerWrapper | undefined;
  /** Records a refusal and returns the error to throw; a failed write does not un-refuse. */
  refusal(invocation: Invocation, tier: string | undefined, error: AgentryError, stage: AuditStage, rule?: string, redactions?: AuditRecord['redactions']): Promise<AgentryError>;
  /** Records how an allowed call ended; with `onAuditError: 'fail'`, a success that cannot be recorded fails. */
  recordAllowed(invocation: Invocation, admission: Allowed, outcome: 'succeeded' | 'failed' | 'cancelled', output: RedactedOutput, code?: ErrorCode): Promise<void>;
}

/** The redaction counts of a call for its audit record: input, and output so far. */
export function redactionsOf(admission: Allowed, output: RedactedOutput): AuditRecord['redactions'] {
  return { input: admission.inputCounts, output: addPiiCounts({ ...output.counts }, output.redactor?.counts ?? {}) };
}

/**
 * The events of one governed call: admitted (or refused) on the first `next()`, then each event
 * checked and redacted on its way out, and the call's outcome audited exactly once (succeeded
 * before its result is delivered; failed, or cancelled when the reader leaves early). An event
 * that needs no audit write is handed on in the same turn it arrived (see GatedEvents).
 */
export class GovernedEvents extends GatedEvents<GovernanceRules> {
  private admission: Allowed | undefined;
  private output: RedactedOutput | undefined;
  /** Whether the call's outcome has been audited (or needs no record: it is being recorded). */
  private recorded = false;

  /** Runs the checks; synchronous (undefined) unless a tier lookup, a policy or an audit write is awaited. */
  protected override open(): Promise<void> | undefined {
    const admission = admitInvocation(this.invocation, this.rules.resolved);
    if (admission instanceof Promise) return admission.then((settled) => this.admitted(settled));
    return this.admitted(admission);
  }

  private admitted(admission: Admission): Promise<void> | undefined {
    const { invocation, rules } = this;
    if (!admission.allowed) {
      return rules.refusal(invocation, admission.tier, admission.error, admission.stage, admission.rule).then((error) => {
        throw error;
      });
    }
    const { tiers } = rules.resolved;
    if (tiers !== undefined) {
      const { tier } = admission;
      const check: ToolAccessCheck = (tool) => isAllowedByTier(tiers, tier, 'tools', tool);
      invocation.state.set(toolAccessStateKey, check);
      const rank = rules.resolved.tierOrder.indexOf(tier ?? '');
      const reaches: MinTierCheck = (minTier) => {
        const required = rules.resolved.tierOrder.indexOf(minTier);
        return rank !== -1 && required !== -1 && rank >= required;
      };
      invocation.state.set(minTierStateKey, reaches);
    }
    if (rules.packLogger !== undefined) invocation.state.set(packLoggerStateKey, rules.packLogger);
    this.admission = admission;
    // Output redaction state: the streaming redactor is made at the first text delta (most
    // calls stream none), the counts of tool-call arguments and result output add up here.
    this.output = { redactor: undefined, counts: {} };
    return undefined;
  }

  protected override sourceInvocation(): Invocation {
    return this.admission!.invocation;
  }

  /** Held text goes out before the end. */
  protected override ending(step: IteratorReturnResult<unknown>): EventStep {
    const held = this.output!.redactor?.flush() ?? '';
    if (held === '') return this.ended(step);
    this.afterDelivered = () => this.ended(step);
    return { done: false, value: { type: 'text-delta', text: held } };
  }

  protected override passing(step: IteratorYieldResult<AgentEvent>): EventStep {
    const output = this.output!;
    const event = step.value;
    if (event.type === 'text-delta' && this.admission!.redactOutput) {
      output.redactor ??= createStreamingRedactor({ ...this.rules.piiOptions, holdBackChars: this.rules.resolved.holdBackChars });
      const text = output.redactor.push(event.text);
      // All of it held back: read on.
      if (text === '') return this.next();
      return { done: false, value: { type: 'text-delta', text } };
    }
    // Held text goes out before anything that follows it, so event order is kept.
    if (output.redactor !== undefined) {
      const held = output.redactor.flush();
      if (held !== '') {
        this.afterDelivered = () => this.checked(step);
        return { done: false, value: { type: 'text-delta', text: held } };
      }
    }
    return this.checked(step);
  }

  /** Checks a tool call against the tier, redacts tool arguments and the result output, audits the result. */
  private checked(step: IteratorYieldResult<AgentEvent>): EventStep {
    const { invocation, rules } = this;
    const admission = this.admission!;
    const output = this.output!;
    const event = step.value;
    if (event.type === 'tool-call') {
      const { tiers } = rules.resolved;
      if (tiers !== undefined && !isAllowedByTier(tiers, admission.tier, 'tools', event.name)) {
        this.recorded = true;
        const { tier } = admission;
        const error = new AgentryError(
          'AGENTRY_FORBIDDEN_TOOL',
          `invoke ${invocation.agent}@${invocation.version} stopped: ${tier === undefined ? 'a tenant without a tier' : `tier ${tier}`} may not use tool ${event.name}`,
          { requestId: invocation.requestId },
        );
        return rules.refusal(invocation, tier, error, 'tool', undefined, redactionsOf(admission, output)).then((refusal) => this.failOwn(refusal));
      }
      if (!admission.redactOutput) return step;
      const args = redactPii(event.args, rules.piiOptions);
      addPiiCounts(output.counts, args.counts);
      return args.total === 0 ? step : { done: false, value: { ...event, args: args.value } };
    }
    // An eval's reason or a warning may quote the output (a judge's rationale, a leak it found).
    // Only that free text is scanned: passing built-in evals carry none, and they come on every call.
    if (event.type === 'eval') {
      const { reason, error } = event.eval;
      if ((reason === undefined && error === undefined) || !admission.redactOutput) return step;
      // An evaluator's error may quote the output too (a judge answer it could not read).
      const redacted = redactPii({ reason, error }, rules.piiOptions);
      if (redacted.total === 0) return step;
      addPiiCounts(output.counts, redacted.counts);
      const texts = redacted.value as { reason?: string; error?: string };
      const score = { ...event.eval };
      if (texts.reason !== undefined) score.reason = texts.reason;
      if (texts.error !== undefined) score.error = texts.error;
      return { done: false, value: { type: 'eval', eval: score } };
    }
    if (event.type === 'warning') {
      if (!admission.redactOutput) return step;
      const redacted = redactPii(event.message, rules.piiOptions);
      if (redacted.total === 0) return step;
      addPiiCounts(output.counts, redacted.counts);
      return { done: false, value: { ...event, message: redacted.value } };
    }
    if (event.type !== 'result') return step;
    let result = event.result;
    if (admission.redactOutput) {
      const redacted = redactPii(result.output, rules.piiOptions);
      addPiiCounts(output.counts, redacted.counts);
      if (redacted.total > 0) result = { ...result, output: redacted.value };
      if (result.evals.some((score) => score.reason !== undefined || score.error !== undefined)) {
        // Not counted again: these are the scores the eval events already carried.
        const evals = redactPii(result.evals, rules.piiOptions);
        if (evals.total > 0) result = { ...result, evals: evals.value };
      }
    }
    this.recorded = true;
    const delivered: IteratorResult<AgentEvent> = result === event.result ? step : { done: false, value: { type: 'result', result } };
    if (rules.resolved.audit === undefined) return delivered;
    return rules.recordAllowed(invocation, admission, 'succeeded', output).then(
      () => delivered,
      (error: unknown) => this.failOwn(error),
    );
  }

  /** A call that ended without its result counts as cancelled in the audit. */
  protected override abandoned(): Promise<void> | undefined {
    if (this.recorded) return undefined;
    this.recorded = true;
    if (this.rules.resolved.audit === undefined) return undefined;
    return this.rules.recordAllowed(this.invocation, this.admission!, 'cancelled', this.output!);
  }

  /**
   * A failure leaves redacted: its message, hint and details may quote the input or the output
   * (`no account for ada@example.com`), and callers and server logs show them. The original
   * error is not kept as the cause, since it holds the same data.
   */
  protected override outgoing(error: unknown): unknown {
    if (this.admission?.redactOutput !== true || !(error instanceof AgentryError)) return error;
    const redacted = redactPii({ message: error.message, hint: error.hint, details: error.details }, this.rules.piiOptions);
    if (redacted.total === 0) return error;
    const { message, hint, details } = redacted.value as { message: string; hint: string; details: unknown };
    return new AgentryError(error.code, message, {
      hint,
      details,
      status: error.status,
      retryable: error.retryable,
      ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
      ...(error.providerRequestId === undefined ? {} : { providerRequestId: error.providerRequestId }),
    });
  }

  /** Audits a call that failed, unless its outcome is already recorded. */
  protected override failing(error: unknown): Promise<void> | undefined {
    if (this.recorded) return undefined;
    this.recorded = true;
    if (this.rules.resolved.audit === undefined) return undefined;
    const failure = toAgentryError(error);
    return this.rules.recordAllowed(this.invocation, this.admission!, failure.code === 'AGENTRY_CANCELLED' ? 'cancelled' : 'failed', this.output!, failure.code);
  }
}
