import { AgentryError, type InvokeResult, type StreamEvent } from '../contract';

/**
 * A running stream: iterate it for events (`start`, `text-delta`, `tool-call`, `usage`, `eval`,
 * `warning`, `result`), or await `result()`. It can be iterated once; `result()` works either way.
 *
 * @example
 * const stream = client.stream('summarize', { text });
 * for await (const text of stream.textStream) process.stdout.write(text);
 * const { usage } = await stream.result();
 */
export interface AgentStream<Output = unknown> extends AsyncIterable<StreamEvent> {
  /** The final result; drives the stream to its end when nobody iterates it. */
  result(): Promise<InvokeResult<Output>>;
  /** The text deltas only. */
  readonly textStream: AsyncIterable<string>;
}

/**
 * Flattens the transport's event batches into one event per step. A hand-written iterator, not
 * an async generator: the per-event path is an array read and one resolved promise.
 */
export function createAgentStream<Output>(source: () => AsyncIterable<readonly StreamEvent[]>, label: string): AgentStream<Output> {
  let started = false;
  let settled = false;
  // The outcome, kept as a value; a promise of it is made only if result() is called.
  let outcome: { ok: true; result: InvokeResult<Output> } | { ok: false; error: unknown } | undefined;
  let finalResult: Promise<InvokeResult<Output>> | undefined;
  let settleFinal: { resolve: (result: InvokeResult<Output>) => void; reject: (error: unknown) => void } | undefined;
  // The first outcome wins, as with a promise.
  const resolveResult = (result: InvokeResult<Output>): void => {
    if (settled) return;
    settled = true;
    outcome = { ok: true, result };
    settleFinal?.resolve(result);
  };
  const rejectResult = (error: unknown): void => {
    if (settled) return;
    settled = true;
    outcome = { ok: false, error };
    settleFinal?.reject(error);
  };
  const resultPromise = (): Promise<InvokeResult<Output>> => {
    if (finalResult !== undefined) return finalResult;
    if (outcome === undefined) {
      finalResult = new Promise((resolve, reject) => (settleFinal = { resolve, reject }));
    } else {
      finalResult = outcome.ok ? Promise.resolve(outcome.result) : Promise.reject(outcome.error);
    }
    // Nobody may be awaiting it; its rejection must not become an unhandled one.
    finalResult.catch(() => {});
    return finalResult;
  };

  function events(): AsyncIterableIterator<StreamEvent> {
    if (started) {
      throw new AgentryError('AGENTRY_INVALID_REQUEST', `${label}: a stream can be iterated only once`, {
        hint: 'Keep the events you need while iterating, or call result() for the final result.',
      });
    }
    started = true;
    const batches = source()[Symbol.asyncIterator]();
    let batch: readonly StreamEvent[] = [];
    let index = 0;
    let done = false;
    const finish = async (): Promise<IteratorResult<StreamEvent>> => {
      done = true;
      if (!settled) rejectResult(new AgentryError('AGENTRY_CANCELLED', `${label}: the stream was closed before its result`));
      await batches.return?.();
      return { done: true, value: undefined };
    };
    /** Takes the next event of the current batch, which must have one. */
    const take = (): IteratorResult<StreamEvent> => {
      const event = batch[index++]!;
      if (event.type === 'result') resolveResult(event.result as InvokeResult<Output>);
      return { done: false, value: event };
    };
    /** Waits for the next non-empty batch, then takes its first event. */
    const pull = async (): Promise<IteratorResult<StreamEvent>> => {
      try {
        while (index >= batch.length) {
          const step = await batches.next();
          if (step.done) {
            done = true;
            if (!settled) throw new AgentryError('AGENTRY_PROTOCOL_ERROR', `${label}: the stream ended without a result`);
            return { done: true, value: undefined };
          }
          batch = step.value;
          index = 0;
        }
      } catch (error) {
        done = true;
        rejectResult(error);
        throw error;
      }
      return take();
    };
    return {
      // Not async: an event already in the batch costs one resolved promise, not an async call.
      next(): Promise<IteratorResult<StreamEvent>> {
        if (done) return Promise.resolve({ done: true, value: undefined });
        if (index < batch.length) return Promise.resolve(take());
        return pull();
      },
      return: finish,
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  return {
    [Symbol.asyncIterator]: events,
    async result() {
      if (!started) {
        const iterator = events();
        while (!(await iterator.next()).done);
      }
      return resultPromise();
    },
    get textStream() {
      const iterator = events();
      return {
        async *[Symbol.asyncIterator]() {
          for await (const event of { [Symbol.asyncIterator]: () => iterator }) if (event.type === 'text-delta') yield event.text;
        },
      };
    },
  };
}
