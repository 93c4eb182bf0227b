import { isAgentryError, type AgentryError, type ModelStreamEvent } from '@agentry/sdk';

/** What a stream gave before it ended: its events, and the error it threw, if any. */
export interface Drained {
  events: ModelStreamEvent[];
  text: string;
  error: AgentryError | undefined;
  /** ms from the first `next()` to the end or the error. */
  elapsedMs: number;
  /** ms from the last event to the error (how long a stall took to be noticed). */
  sinceLastEventMs: number;
}

/** Reads a stream to its end; a thrown error is kept (it must be an AgentryError). */
export async function drain(stream: AsyncIterable<ModelStreamEvent>): Promise<Drained> {
  const events: ModelStreamEvent[] = [];
  const started = performance.now();
  let lastEventAt = started;
  let error: AgentryError | undefined;
  try {
    for await (const event of stream) {
      events.push(event);
      lastEventAt = performance.now();
    }
  } catch (caught) {
    if (!isAgentryError(caught)) throw caught;
    error = caught;
  }
  const ended = performance.now();
  const text = events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
  return { events, text, error, elapsedMs: ended - started, sinceLastEventMs: ended - lastEventAt };
}

/** Awaits a promise that must reject with an AgentryError; returns it with the time it took. */
export async function failure(promise: Promise<unknown>): Promise<{ error: AgentryError; elapsedMs: number }> {
  const started = performance.now();
  try {
    await promise;
  } catch (caught) {
    if (!isAgentryError(caught)) throw caught;
    return { error: caught, elapsedMs: performance.now() - started };
  }
  throw new Error('expected the call to fail');
}
