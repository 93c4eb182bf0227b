import { toAgentryError, type ErrorCode, type EvalScore, type InvokeResult, type Usage } from '../../contract';
import type { AgentEvent, Invocation } from '../../core/invocation';
import type { Next } from '../../core/middleware';

/** What the meter noted about one call, for its usage record. */
export interface Observed {
  result: InvokeResult | undefined;
  /** The last `usage` event: partial usage of a call that failed after it. */
  usage: Usage | undefined;
  evals: EvalScore[];
  firstEventAt: number | undefined;
  endedAt: number;
  errorCode: ErrorCode | undefined;
}

const done: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The events of one call as the meter passes them on, noting what it needs for the usage record
 * and writing the record once when the call is over: ended, failed, or closed early by its reader.
 * A hand-written iterator rather than an async generator: it sees every event of every call, and
 * forwarding one costs a `then` instead of a generator's suspend and resume.
 */
export class MeteredEvents implements AsyncIterableIterator<AgentEvent> {
  private source: AsyncIterator<AgentEvent> | undefined;
  private finished = false;
  private readonly observed: Observed = { result: undefined, usage: undefined, evals: [], firstEventAt: undefined, endedAt: 0, errorCode: undefined };
  // Bound once per call rather than per event; assigned in the constructor so no name is attached.
  private readonly onStep: (step: IteratorResult<AgentEvent>) => IteratorResult<AgentEvent>;
  private readonly onError: (error: unknown) => never;

  private readonly invocation: Invocation;
  private readonly downstream: Next;
  private readonly now: () => number;
  private readonly write: (invocation: Invocation, observed: Observed) => void;

  constructor(invocation: Invocation, downstream: Next, now: () => number, write: (invocation: Invocation, observed: Observed) => void) {
    this.invocation = invocation;
    this.downstream = downstream;
    this.now = now;
    this.write = write;
    this.onStep = (step) => {
      if (step.done === true) this.finish();
      else this.observe(step.value);
      return step;
    };
    this.onError = (error) => {
      this.fail(error);
      throw error;
    };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<AgentEvent> {
    return this;
  }

  next(): Promise<IteratorResult<AgentEvent>> {
    if (this.finished) return Promise.resolve(done);
    if (this.source === undefined) {
      try {
        this.source = this.downstream(this.invocation)[Symbol.asyncIterator]();
      } catch (error) {
        this.fail(error);
        return Promise.reject(error);
      }
    }
    return this.source.next().then(this.onStep, this.onError);
  }

  async return(): Promise<IteratorResult<AgentEvent>> {
    const { source } = this;
    // Never started: like a generator closed before its first step, there is no call to record.
    if (source === undefined) this.finished = true;
    if (this.finished || source === undefined) return done;
    try {
      await source.return?.();
    } catch (error) {
      this.fail(error);
      throw error;
    }
    this.finish();
    return done;
  }

  async throw(error: unknown): Promise<IteratorResult<AgentEvent>> {
    const { source } = this;
    if (source === undefined) this.finished = true;
    if (this.finished || source === undefined) throw error;
    await Promise.resolve(source.return?.()).catch(() => {});
    this.fail(error);
    throw error;
  }

  private observe(event: AgentEvent): void {
    const { observed } = this;
    switch (event.type) {
      case 'text-delta':
      case 'tool-call':
        observed.firstEventAt ??= this.now();
        break;
      case 'usage':
        observed.usage = event.usage;
        break;
      case 'eval':
        observed.evals.push(event.eval);
        break;
      case 'result':
        observed.result = event.result;
        observed.endedAt = this.now();
        break;
    }
  }

  private fail(error: unknown): void {
    if (this.finished) return;
    this.observed.errorCode = toAgentryError(error).code;
    this.finish();
  }

  /** Writes the record, once. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    const { observed } = this;
    if (observed.endedAt === 0) observed.endedAt = this.now();
    // A consumer that stopped before the result (closed stream) leaves neither result nor error.
    if (observed.result === undefined) observed.errorCode ??= 'AGENTRY_CANCELLED';
    this.write(this.invocation, observed);
  }
}
