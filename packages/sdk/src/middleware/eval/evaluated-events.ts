import type { AgentryError, EvalScore, InvokeResult } from '../../contract';
import type { AgentEvent, Invocation } from '../../core/invocation';
import type { Next } from '../../core/middleware';

/** What {@link EvaluatedEvents} asks of the eval middleware. */
export interface Scoring {
  evaluate(invocation: Invocation, result: InvokeResult): EvalScore[] | Promise<EvalScore[]>;
  observe(score: EvalScore, invocation: Invocation): void;
  brokenCall(invocation: Invocation, scores: readonly EvalScore[]): AgentryError | undefined;
}

const done: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The events of one call with its result scored: every event passes as it is, except the
 * `result`, which becomes one `eval` event per score followed by the result with the scores
 * appended (or, with `failOnError` and a broken evaluator, the error). A hand-written iterator
 * rather than an async generator, as every event of every call goes through it.
 */
export class EvaluatedEvents implements AsyncIterableIterator<AgentEvent> {
  private readonly invocation: Invocation;
  private readonly downstream: Next;
  private readonly scoring: Scoring;
  private source: AsyncIterator<AgentEvent> | undefined;
  private finished = false;
  /** The scored result being handed on, event by event. */
  private scored: { result: InvokeResult; scores: EvalScore[]; next: number } | undefined;
  // Bound once per call rather than per event; assigned in the constructor so no name is attached.
  private readonly onStep: (step: IteratorResult<AgentEvent>) => IteratorResult<AgentEvent> | Promise<IteratorResult<AgentEvent>>;
  private readonly onError: (error: unknown) => never;

  constructor(invocation: Invocation, downstream: Next, scoring: Scoring) {
    this.invocation = invocation;
    this.downstream = downstream;
    this.scoring = scoring;
    this.onStep = (step) => {
      if (step.done === true) {
        this.finished = true;
        return step;
      }
      const event = step.value;
      if (event.type !== 'result') return step;
      const scores = this.scoring.evaluate(this.invocation, event.result);
      if (scores instanceof Promise) return scores.then((settled) => this.begin(event.result, settled));
      return this.begin(event.result, scores);
    };
    this.onError = (error) => {
      this.finished = true;
      throw error;
    };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<AgentEvent> {
    return this;
  }

  next(): Promise<IteratorResult<AgentEvent>> {
    if (this.scored !== undefined) return this.continue(this.scored);
    if (this.finished) return Promise.resolve(done);
    if (this.source === undefined) {
      try {
        this.source = this.downstream(this.invocation)[Symbol.asyncIterator]();
      } catch (error) {
        this.finished = true;
        return Promise.reject(error);
      }
    }
    return this.source.next().then(this.onStep, this.onError);
  }

  async return(): Promise<IteratorResult<AgentEvent>> {
    const wasRunning = !this.finished && this.source !== undefined;
    this.finished = true;
    this.scored = undefined;
    if (wasRunning) await this.source!.return?.();
    return done;
  }

  async throw(error: unknown): Promise<IteratorResult<AgentEvent>> {
    await this.close();
    throw error;
  }

  private begin(result: InvokeResult, scores: EvalScore[]): IteratorResult<AgentEvent> | Promise<IteratorResult<AgentEvent>> {
    const scored = { result, scores, next: 0 };
    this.scored = scored;
    return this.continue(scored);
  }

  /** Hands on the next score, then the result (or the failure). */
  private continue(scored: { result: InvokeResult; scores: EvalScore[]; next: number }): Promise<IteratorResult<AgentEvent>> {
    if (scored.next < scored.scores.length) {
      const score = scored.scores[scored.next++]!;
      this.scoring.observe(score, this.invocation);
      return Promise.resolve({ done: false, value: { type: 'eval', eval: score } });
    }
    this.scored = undefined;
    const failure = this.scoring.brokenCall(this.invocation, scored.scores);
    if (failure !== undefined) return this.close().then(() => Promise.reject(failure));
    const { result } = scored;
    return Promise.resolve({ done: false, value: { type: 'result', result: { ...result, evals: [...result.evals, ...scored.scores] } } });
  }

  /** Ends the events early, closing the source as a generator's loop would (its errors are dropped). */
  private async close(): Promise<void> {
    const wasRunning = !this.finished && this.source !== undefined;
    this.finished = true;
    this.scored = undefined;
    if (wasRunning) await Promise.resolve(this.source!.return?.()).catch(() => {});
  }
}
