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
  let resolveResult!: (result: InvokeResult<Output>) => void;
  let rejectResult!: (error: unknown) => void;
  const finalResult = new Promise<InvokeResult<Output>>((resolve, reject) => {
    resolveResult = (result) => {
      settled = true;
      resolve(result);
    };
    rejectResult = (error) => {
      settled = true;
      reject(error);
    };
  });
  // Nobody may be awaiting result(); its rejection must not become an unhandled one.
  finalResult.catch(() => {});

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
    return {
      async next(): Promise<IteratorResult<StreamEvent>> {
        if (done) return { done: true, value: undefined };
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
        const event = batch[index++]!;
        if (event.type === 'result') resolveResult(event.result as InvokeResult<Output>);
        return { done: false, value: event };
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
      return finalResult;
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
