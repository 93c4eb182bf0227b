import { AgentryError, toAgentryError, type ErrorCode } from '../../contract';
import type { AgentEvent, Invocation } from '../../core/invocation';
import type { Next } from '../../core/middleware';
import { admitInvocation, type Admission } from './admit-invocation';
import type { AuditRecord, AuditStage } from './audit/audit-entry';
import type { ResolvedGovernanceOptions } from './governance-options';
import type { DetectPiiOptions } from './pii/detect-pii';
import { addPiiCounts, redactPii, type PiiCounts } from './pii/redact-pii';
import { createStreamingRedactor, type StreamingRedactor } from './pii/streaming-redactor';
import { isAllowedByTier, toolAccessStateKey, type ToolAccessCheck } from './tier-access';

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
  /** Records a refusal and returns the error to throw; a failed write does not un-refuse. */
  refusal(invocation: Invocation, tier: string | undefined, error: AgentryError, stage: AuditStage, rule?: string, redactions?: AuditRecord['redactions']): Promise<AgentryError>;
  /** Records how an allowed call ended; with `onAuditError: 'fail'`, a success that cannot be recorded fails. */
  recordAllowed(invocation: Invocation, admission: Allowed, outcome: 'succeeded' | 'failed' | 'cancelled', output: RedactedOutput, code?: ErrorCode): Promise<void>;
}

/** The redaction counts of a call for its audit record: input, and output so far. */
export function redactionsOf(admission: Allowed, output: RedactedOutput): AuditRecord['redactions'] {
  return { input: admission.inputCounts, output: addPiiCounts({ ...output.counts }, output.redactor?.counts ?? {}) };
}

const done: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

type Step = IteratorResult<AgentEvent> | Promise<IteratorResult<AgentEvent>>;

/**
 * The events of one governed call: admitted (or refused) on the first `next()`, then each event
 * checked and redacted on its way out, and the call's outcome audited exactly once (succeeded
 * before its result is delivered; failed, or cancelled when the reader leaves early). A
 * hand-written iterator rather than an async generator, as every event of every call goes through
 * it: an event that needs no audit write is handed on in the same turn it arrived.
 */
export class GovernedEvents implements AsyncIterableIterator<AgentEvent> {
  private readonly invocation: Invocation;
  private readonly downstream: Next;
  private readonly rules: GovernanceRules;
  /** Set by the first `next()`; settled once the call is admitted (or rejects with the refusal). */
  private opening: Promise<void> | undefined;
  private admission: Allowed | undefined;
  private output: RedactedOutput | undefined;
  private source: AsyncIterator<AgentEvent> | undefined;
  private sourceDone = false;
  private finished = false;
  /** Whether the call's outcome has been audited (or needs no record: it is being recorded). */
  private recorded = false;
  /** Runs on the next `next()`: the rest of a step that had to deliver held-back text first. */
  private afterDelivered: (() => Step) | undefined;
  // Bound once per call rather than per event; assigned in the constructor so no name is attached.
  private readonly onStep: (step: IteratorResult<AgentEvent>) => Step;
  private readonly onError: (error: unknown) => Promise<never>;

  constructor(invocation: Invocation, downstream: Next, rules: GovernanceRules) {
    this.invocation = invocation;
    this.downstream = downstream;
    this.rules = rules;
    this.onStep = (step) => {
      try {
        return this.passing(step);
      } catch (error) {
        return this.failOwn(error);
      }
    };
    this.onError = (error) => {
      this.sourceDone = true;
      return this.failed(error);
    };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<AgentEvent> {
    return this;
  }

  next(): Promise<IteratorResult<AgentEvent>> {
    if (this.afterDelivered !== undefined) {
      const after = this.afterDelivered;
      this.afterDelivered = undefined;
      return Promise.resolve(after());
    }
    if (this.finished) return Promise.resolve(done);
    if (this.opening === undefined) {
      let admitted: Promise<void> | undefined;
      try {
        admitted = this.admit();
      } catch (error) {
        this.opening = Promise.resolve();
        this.finished = true;
        return Promise.reject(error);
      }
      if (admitted === undefined) this.opening = Promise.resolve();
      else {
        this.opening = admitted;
        return admitted.then(
          () => this.next(),
          (error: unknown) => {
            this.finished = true;
            throw error;
          },
        );
      }
    }
    let pending: Promise<IteratorResult<AgentEvent>>;
    try {
      pending = this.sourceOf().next();
    } catch (error) {
      this.sourceDone = true;
      return this.failed(error);
    }
    return pending.then(this.onStep, this.onError);
  }

  /** The reader left early: the source is closed and the call audited as cancelled. */
  async return(): Promise<IteratorResult<AgentEvent>> {
    if (this.opening === undefined) {
      // Closed before it started, like a generator: nothing was admitted, nothing runs.
      this.opening = Promise.resolve();
      this.finished = true;
      return done;
    }
    await this.opening.catch(() => {});
    this.afterDelivered = undefined;
    if (this.admission === undefined) {
      this.finished = true;
      return done;
    }
    if (this.source !== undefined && !this.sourceDone) {
      this.sourceDone = true;
      try {
        await this.source.return?.();
      } catch (error) {
        return this.failed(error);
      }
    }
    this.finished = true;
    await this.recordCancelled();
    return done;
  }

  async throw(error: unknown): Promise<IteratorResult<AgentEvent>> {
    if (this.opening === undefined) {
      this.opening = Promise.resolve();
      this.finished = true;
      throw error;
    }
    await this.opening.catch(() => {});
    this.afterDelivered = undefined;
    if (this.admission === undefined || this.finished) {
      this.finished = true;
      throw error;
    }
    return this.failOwn(error);
  }

  /** Runs the checks; synchronous (undefined) unless a tier lookup, a policy or an audit write is awaited. */
  private admit(): Promise<void> | undefined {
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
    }
    this.admission = admission;
    // Output redaction state: the streaming redactor is made at the first text delta (most
    // calls stream none), the counts of tool-call arguments and result output add up here.
    this.output = { redactor: undefined, counts: {} };
    return undefined;
  }

  private sourceOf(): AsyncIterator<AgentEvent> {
    return (this.source ??= this.downstream(this.admission!.invocation)[Symbol.asyncIterator]());
  }

  private passing(step: IteratorResult<AgentEvent>): Step {
    const output = this.output!;
    if (step.done === true) {
      this.sourceDone = true;
      // Held text goes out before the end.
      const held = output.redactor?.flush() ?? '';
      if (held === '') return this.ended(step);
      this.afterDelivered = () => this.ended(step);
      return { done: false, value: { type: 'text-delta', text: held } };
    }
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
        this.afterDelivered = () => {
          try {
            return this.checked(step);
          } catch (error) {
            return this.failOwn(error);
          }
        };
        return { done: false, value: { type: 'text-delta', text: held } };
      }
    }
    return this.checked(step);
  }

  /** Checks a tool call against the tier, redacts tool arguments and the result output, audits the result. */
  private checked(step: IteratorYieldResult<AgentEvent>): Step {
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
    if (event.type !== 'result') return step;
    let result = event.result;
    if (admission.redactOutput) {
      const redacted = redactPii(result.output, rules.piiOptions);
      addPiiCounts(output.counts, redacted.counts);
      if (redacted.total > 0) result = { ...result, output: redacted.value };
    }
    this.recorded = true;
    const delivered: IteratorResult<AgentEvent> = result === event.result ? step : { done: false, value: { type: 'result', result } };
    if (rules.resolved.audit === undefined) return delivered;
    return rules.recordAllowed(invocation, admission, 'succeeded', output).then(
      () => delivered,
      (error: unknown) => this.failOwn(error),
    );
  }

  /** The source ended (without a result, the call counts as cancelled in the audit). */
  private ended(step: IteratorResult<AgentEvent>): Step {
    this.finished = true;
    if (this.recorded || this.rules.resolved.audit === undefined) return step;
    return this.recordCancelled().then(() => step);
  }

  private async recordCancelled(): Promise<void> {
    if (this.recorded) return;
    this.recorded = true;
    if (this.rules.resolved.audit !== undefined) await this.rules.recordAllowed(this.invocation, this.admission!, 'cancelled', this.output!);
  }

  /** Failed here rather than in the source: the source is closed first, as a loop over it would. */
  private async failOwn(error: unknown): Promise<never> {
    const { source } = this;
    if (source !== undefined && !this.sourceDone) {
      this.sourceDone = true;
      await Promise.resolve(source.return?.()).catch(() => {});
    }
    return this.failed(error);
  }

  /** Audits a call that failed (unless its outcome is already recorded), then fails. */
  private async failed(error: unknown): Promise<never> {
    this.finished = true;
    this.afterDelivered = undefined;
    if (!this.recorded) {
      this.recorded = true;
      if (this.rules.resolved.audit !== undefined) {
        const failure = toAgentryError(error);
        await this.rules.recordAllowed(this.invocation, this.admission!, failure.code === 'AGENTRY_CANCELLED' ? 'cancelled' : 'failed', this.output!, failure.code);
      }
    }
    throw error;
  }
}
