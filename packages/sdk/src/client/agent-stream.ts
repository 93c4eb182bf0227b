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

export function createAgentStream<Output>(source: () => AsyncIterable<StreamEvent>, label: string): AgentStream<Output> {
  let started = false;
  let resolveResult!: (result: InvokeResult<Output>) => void;
  let rejectResult!: (error: unknown) => void;
  const finalResult = new Promise<InvokeResult<Output>>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  // Nobody may be awaiting result(); do not let its rejection become an unhandled one.
  finalResult.catch(() => {});

  async function* events(): AsyncGenerator<StreamEvent> {
    if (started) {
      throw new AgentryError('AGENTRY_INVALID_REQUEST', `${label}: a stream can be iterated only once`, {
        hint: 'Keep the events you need while iterating, or call result() for the final result.',
      });
    }
    started = true;
    let sawResult = false;
    try {
      for await (const event of source()) {
        if (event.type === 'result') {
          sawResult = true;
          resolveResult(event.result as InvokeResult<Output>);
        }
        yield event;
      }
      if (!sawResult) throw new AgentryError('AGENTRY_PROTOCOL_ERROR', `${label}: the stream ended without a result`);
    } catch (error) {
      rejectResult(error);
      throw error;
    } finally {
      if (!sawResult) rejectResult(new AgentryError('AGENTRY_CANCELLED', `${label}: the stream was closed before its result`));
    }
  }

  return {
    [Symbol.asyncIterator]: () => events(),
    async result() {
      if (!started) for await (const _event of events());
      return finalResult;
    },
    get textStream() {
      const iterator = events();
      return {
        async *[Symbol.asyncIterator]() {
          for await (const event of iterator) if (event.type === 'text-delta') yield event.text;
        },
      };
    },
  };
}
