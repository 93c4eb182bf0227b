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
 * Flattens the transport's event batches into one event per step. Hand-written classes, not an
 * async generator or closures per call: the per-event path is an array read and one resolved
 * promise, and a call makes two small objects.
 */
export function createAgentStream<Output>(source: () => AsyncIterable<readonly StreamEvent[]>, label: string): AgentStream<Output> {
  return new BatchedAgentStream<Output>(source, label);
}

type Outcome<Output> = { ok: true; result: InvokeResult<Output> } | { ok: false; error: unknown };

class BatchedAgentStream<Output> implements AgentStream<Output> {
  private readonly source: () => AsyncIterable<readonly StreamEvent[]>;
  readonly label: string;
  private started = false;
  /** The outcome, kept as a value; a promise of it is made only if result() is called. */
  private outcome: Outcome<Output> | undefined = undefined;
  private finalResult: Promise<InvokeResult<Output>> | undefined = undefined;
  private settleFinal: { resolve: (result: InvokeResult<Output>) => void; reject: (error: unknown) => void } | undefined = undefined;

  constructor(source: () => AsyncIterable<readonly StreamEvent[]>, label: string) {
    this.source = source;
    this.label = label;
  }

  get settled(): boolean {
    return this.outcome !== undefined;
  }

  /** The first outcome wins, as with a promise. */
  resolveResult(result: InvokeResult<Output>): void {
    if (this.outcome !== undefined) return;
    this.outcome = { ok: true, result };
    this.settleFinal?.resolve(result);
  }

  rejectResult(error: unknown): void {
    if (this.outcome !== undefined) return;
    this.outcome = { ok: false, error };
    this.settleFinal?.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StreamEvent> {
    if (this.started) {
      throw new AgentryError('AGENTRY_INVALID_REQUEST', `${this.label}: a stream can be iterated only once`, {
        hint: 'Keep the events you need while iterating, or call result() for the final result.',
      });
    }
    this.started = true;
    return new BatchFlattener(this, this.source()[Symbol.asyncIterator]());
  }

  async result(): Promise<InvokeResult<Output>> {
    if (!this.started) {
      const iterator = this[Symbol.asyncIterator]();
      while (!(await iterator.next()).done);
    }
    return this.resultPromise();
  }

  get textStream(): AsyncIterable<string> {
    const iterator = this[Symbol.asyncIterator]();
    return {
      async *[Symbol.asyncIterator]() {
        for await (const event of { [Symbol.asyncIterator]: () => iterator }) if (event.type === 'text-delta') yield event.text;
      },
    };
  }

  private resultPromise(): Promise<InvokeResult<Output>> {
    if (this.finalResult !== undefined) return this.finalResult;
    const outcome = this.outcome;
    if (outcome === undefined) {
      this.finalResult = new Promise((resolve, reject) => (this.settleFinal = { resolve, reject }));
    } else {
      this.finalResult = outcome.ok ? Promise.resolve(outcome.result) : Promise.reject(outcome.error);
    }
    // Nobody may be awaiting it; its rejection must not become an unhandled one.
    this.finalResult.catch(() => {});
    return this.finalResult;
  }
}

const doneResult: IteratorResult<StreamEvent> = { done: true, value: undefined };

/** The event iterator of a {@link BatchedAgentStream}: one event per step from the transport's batches. */
class BatchFlattener<Output> implements AsyncIterableIterator<StreamEvent> {
  private readonly stream: BatchedAgentStream<Output>;
  private readonly batches: AsyncIterator<readonly StreamEvent[]>;
  private batch: readonly StreamEvent[] = [];
  private index = 0;
  private done = false;

  constructor(stream: BatchedAgentStream<Output>, batches: AsyncIterator<readonly StreamEvent[]>) {
    this.stream = stream;
    this.batches = batches;
  }

  // Not async: an event already in the batch costs one resolved promise, not an async call.
  next(): Promise<IteratorResult<StreamEvent>> {
    if (this.done) return Promise.resolve({ done: true, value: undefined });
    if (this.index < this.batch.length) return Promise.resolve(this.take());
    return this.pull();
  }

  async return(): Promise<IteratorResult<StreamEvent>> {
    this.done = true;
    this.stream.rejectResult(new AgentryError('AGENTRY_CANCELLED', `${this.stream.label}: the stream was closed before its result`));
    await this.batches.return?.();
    return doneResult;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Takes the next event of the current batch, which must have one. */
  private take(): IteratorResult<StreamEvent> {
    const event = this.batch[this.index++]!;
    if (event.type === 'result') this.stream.resolveResult(event.result as InvokeResult<Output>);
    return { done: false, value: event };
  }

  /** Waits for the next non-empty batch, then takes its first event. */
  private async pull(): Promise<IteratorResult<StreamEvent>> {
    try {
      while (this.index >= this.batch.length) {
        const step = await this.batches.next();
        if (step.done) {
          this.done = true;
          if (!this.stream.settled) throw new AgentryError('AGENTRY_PROTOCOL_ERROR', `${this.stream.label}: the stream ended without a result`);
          return { done: true, value: undefined };
        }
        this.batch = step.value;
        this.index = 0;
      }
    } catch (error) {
      this.done = true;
      this.stream.rejectResult(error);
      throw error;
    }
    return this.take();
  }
}
