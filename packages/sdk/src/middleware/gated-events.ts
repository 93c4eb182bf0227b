import type { AgentEvent, Invocation } from '../core/invocation';
import type { Next } from '../core/middleware';

/** What a step hands back: at once when it needs no I/O, else once its work is done. */
export type EventStep = IteratorResult<AgentEvent> | Promise<IteratorResult<AgentEvent>>;

/** The end of the events, shared: frozen, so no reader can change it. */
export const done: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

const opened: Promise<void> = Promise.resolve();
const ignore = (): void => {};

/**
 * The events of one call that a middleware opens once (admits, reserves) on the first `next()`,
 * then steps event by event, and closes once: when the source ends, fails, or the reader leaves.
 * It behaves as an async generator looping over the source would (closed before its first
 * `next()`, nothing runs; a failure of its own closes the source first) but is written by hand,
 * as every event of every call passes through it: an event that needs no I/O is handed on in the
 * same turn it arrived, with no promise or closure of its own.
 *
 * A subclass keeps its policy in the hooks: `open`, `passing` (each event), `ending` (the source
 * ended), `failing` (the call failed) and `abandoned` (ended without finishing: the source ran
 * out, or the reader left).
 */
export abstract class GatedEvents<Rules> implements AsyncIterableIterator<AgentEvent> {
  protected readonly invocation: Invocation;
  protected readonly rules: Rules;
  private readonly downstream: Next;
  /** Set by the first `next()`; settled once the call is open (or rejects with why it is not). */
  private opening: Promise<void> | undefined;
  private finished = false;
  protected source: AsyncIterator<AgentEvent> | undefined;
  /** The source ended, failed or was closed: nothing left to close. */
  private sourceDone = false;
  /** Runs on the next `next()`: the rest of a step that had to deliver an event first. */
  protected afterDelivered: (() => EventStep) | undefined;
  // Bound once per call rather than per event; assigned in the constructor so no name is attached.
  private readonly onStep: (step: IteratorResult<AgentEvent>) => EventStep;
  private readonly onError: (error: unknown) => Promise<never>;

  constructor(invocation: Invocation, downstream: Next, rules: Rules) {
    this.invocation = invocation;
    this.downstream = downstream;
    this.rules = rules;
    this.onStep = (step) => {
      try {
        if (step.done !== true) return this.passing(step);
        this.sourceDone = true;
        return this.ending(step);
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
    const after = this.afterDelivered;
    if (after !== undefined) {
      this.afterDelivered = undefined;
      // The rest of a step fails the call as the step itself would have.
      try {
        return Promise.resolve(after());
      } catch (error) {
        return this.failOwn(error);
      }
    }
    if (this.finished) return Promise.resolve(done);
    if (this.opening === undefined) {
      let opening: Promise<void> | undefined;
      try {
        opening = this.open();
      } catch (error) {
        this.opening = opened;
        this.finished = true;
        return Promise.reject(error);
      }
      if (opening !== undefined) {
        this.opening = opening;
        return opening.then(
          () => this.next(),
          (error: unknown) => {
            this.finished = true;
            throw error;
          },
        );
      }
      this.opening = opened;
    }
    let pending: Promise<IteratorResult<AgentEvent>>;
    try {
      pending = this.sourceOf().next();
    } catch (error) {
      return this.onError(error);
    }
    return pending.then(this.onStep, this.onError);
  }

  /** The reader left early: the source is closed and the call ends as abandoned. */
  async return(): Promise<IteratorResult<AgentEvent>> {
    if (this.opening === undefined) {
      // Closed before it started, like a generator: nothing opened, nothing runs.
      this.opening = opened;
      this.finished = true;
      return done;
    }
    // An opening still under way must be in place before the call can be closed.
    await this.opening.catch(ignore);
    return this.closeEarly();
  }

  async throw(error: unknown): Promise<IteratorResult<AgentEvent>> {
    if (this.opening === undefined) {
      this.opening = opened;
      this.finished = true;
      throw error;
    }
    await this.opening.catch(ignore);
    return this.thrownIn(error);
  }

  /** Opens the call: `undefined` when it opened at once; a rejection (or a throw) refuses it. */
  protected abstract open(): Promise<void> | undefined;

  /** One event of the source, on its way to the reader. A throw fails the call as `failOwn` does. */
  protected abstract passing(step: IteratorYieldResult<AgentEvent>): EventStep;

  /** What the call must still do, or `undefined` for nothing: it ends without finishing. */
  protected abstract abandoned(): Promise<void> | undefined;

  /** What the call must still do, or `undefined` for nothing: it fails with `error`. */
  protected abstract failing(error: unknown): Promise<void> | undefined;

  /** The invocation handed downstream. */
  protected sourceInvocation(): Invocation {
    return this.invocation;
  }

  /** The source ended; a subclass that holds events back delivers them first, then calls `ended`. */
  protected ending(step: IteratorReturnResult<unknown>): EventStep {
    return this.ended(step);
  }

  /** The end handed to the reader: a call that ends here without finishing is abandoned. */
  protected ended(step: IteratorReturnResult<unknown>): EventStep {
    this.finished = true;
    const closing = this.abandoned();
    return closing === undefined ? step : closing.then(() => step);
  }

  /** The rest of `return()` once the opening is settled: closes the source, then `abandoned`. */
  protected async closeEarly(): Promise<IteratorResult<AgentEvent>> {
    this.afterDelivered = undefined;
    if (this.finished) return done;
    const { source } = this;
    if (source !== undefined && !this.sourceDone) {
      this.sourceDone = true;
      try {
        await source.return?.();
      } catch (error) {
        return this.failed(error);
      }
    }
    this.finished = true;
    await this.abandoned();
    return done;
  }

  /** The rest of `throw(error)` once the opening is settled: fails the call with `error`. */
  protected async thrownIn(error: unknown): Promise<IteratorResult<AgentEvent>> {
    this.afterDelivered = undefined;
    if (this.finished) throw error;
    return this.failOwn(error);
  }

  protected sourceOf(): AsyncIterator<AgentEvent> {
    return (this.source ??= this.downstream(this.sourceInvocation())[Symbol.asyncIterator]());
  }

  /** Failed here rather than in the source: the source is closed first, as a loop over it would. */
  protected async failOwn(error: unknown): Promise<never> {
    const { source } = this;
    if (source !== undefined && !this.sourceDone) {
      this.sourceDone = true;
      await Promise.resolve(source.return?.()).catch(ignore);
    }
    return this.failed(error);
  }

  /** Ends the call with `error` once `failing` is done; nothing is delivered after it. */
  protected async failed(error: unknown): Promise<never> {
    this.finished = true;
    this.afterDelivered = undefined;
    const failing = this.failing(error);
    if (failing !== undefined) await failing;
    throw this.outgoing(error);
  }

  /** The error as the reader gets it; a subclass may rewrite it (governance redacts it). */
  protected outgoing(error: unknown): unknown {
    return error;
  }
}
