import type { AgentEvent } from '../../core/invocation';

const done: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The events of a call whose source is chosen on its first step (a cache decides between a
 * stored entry, a shared run and the agent only once the store has answered). After that each
 * step goes straight to the chosen iterator: no generator in between, no extra turn per event.
 * Like a generator, nothing runs until the first `next()`, and closing it before that runs nothing.
 */
export function deferredEvents(open: () => AsyncIterator<AgentEvent> | Promise<AsyncIterator<AgentEvent>>): AsyncIterableIterator<AgentEvent> {
  return new DeferredEvents(open);
}

class DeferredEvents implements AsyncIterableIterator<AgentEvent> {
  private open: (() => AsyncIterator<AgentEvent> | Promise<AsyncIterator<AgentEvent>>) | undefined;
  private inner: AsyncIterator<AgentEvent> | undefined;
  private opening: Promise<AsyncIterator<AgentEvent>> | undefined;
  private closed = false;

  constructor(open: () => AsyncIterator<AgentEvent> | Promise<AsyncIterator<AgentEvent>>) {
    this.open = open;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<AgentEvent> {
    return this;
  }

  next(): Promise<IteratorResult<AgentEvent>> {
    if (this.inner !== undefined) return this.inner.next();
    if (this.closed) return Promise.resolve(done);
    const opening = this.start();
    if (opening instanceof Promise) return opening.then((inner) => inner.next());
    return opening.next();
  }

  return(value?: unknown): Promise<IteratorResult<AgentEvent>> {
    if (this.inner !== undefined) return this.inner.return?.(value) ?? Promise.resolve(done);
    if (this.opening !== undefined && !this.closed) return this.opening.then((inner) => inner.return?.(value) ?? done);
    this.closed = true;
    this.open = undefined;
    return Promise.resolve(done);
  }

  throw(error?: unknown): Promise<IteratorResult<AgentEvent>> {
    if (this.inner !== undefined) return this.inner.throw?.(error) ?? Promise.reject(error);
    if (this.opening !== undefined && !this.closed) return this.opening.then((inner) => inner.throw?.(error) ?? Promise.reject(error));
    this.closed = true;
    this.open = undefined;
    return Promise.reject(error);
  }

  /** Runs `open` once; synchronous when it was. A failure to open ends the events with that error. */
  private start(): AsyncIterator<AgentEvent> | Promise<AsyncIterator<AgentEvent>> {
    if (this.opening !== undefined) return this.opening;
    const open = this.open!;
    this.open = undefined;
    let opened: AsyncIterator<AgentEvent> | Promise<AsyncIterator<AgentEvent>>;
    try {
      opened = open();
    } catch (error) {
      this.closed = true;
      return Promise.reject(error);
    }
    if (!(opened instanceof Promise)) return (this.inner = opened);
    this.opening = opened.then(
      (inner) => (this.inner = inner),
      (error: unknown) => {
        this.closed = true;
        throw error;
      },
    );
    return this.opening;
  }
}
