import { AgentryError, type InvokeResult } from '../../contract';
import type { AgentEvent } from '../../core/invocation';

/** How a shared run ended. */
export interface FlightOutcome {
  /** Every event of the run, in order. */
  readonly events: readonly AgentEvent[];
  /** The result, when the run ended normally with one. */
  readonly result: InvokeResult | undefined;
  readonly failed: boolean;
  readonly error: unknown;
}

/** One run of the rest of the chain, read by every caller that asked for the same thing meanwhile. */
export interface Flight {
  /**
   * Reads the run's events from the first one, then live. A reader whose signal aborts stops at
   * once; the run itself is cancelled only when every reader has gone before the result.
   */
  join(signal: AbortSignal): AsyncGenerator<AgentEvent>;
  /** Settles (never rejects) when the run has ended. */
  readonly settled: Promise<FlightOutcome>;
}

/**
 * Starts `run` in the background and buffers its events. The run is decoupled from any one
 * caller: the first caller stopping early (a closed stream) does not cut off the others, and
 * `onAbandon` is called when nobody is left so the run can be forgotten before it ends.
 */
export function startFlight(run: (signal: AbortSignal) => AsyncIterable<AgentEvent>, onAbandon: () => void): Flight {
  const controller = new AbortController();
  const events: AgentEvent[] = [];
  let waiters: Array<() => void> = [];
  let finished = false;
  let failed = false;
  let error: unknown;
  let result: InvokeResult | undefined;
  let readers = 0;

  function wake(): void {
    const waiting = waiters;
    waiters = [];
    for (const resume of waiting) resume();
  }

  const settled = (async (): Promise<FlightOutcome> => {
    try {
      for await (const event of run(controller.signal)) {
        if (event.type === 'result') result = event.result;
        events.push(event);
        wake();
      }
    } catch (caught) {
      failed = true;
      error = caught;
    } finally {
      finished = true;
      wake();
    }
    return { events, result: failed ? undefined : result, failed, error };
  })();

  function changed(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      waiters.push(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  async function* read(signal: AbortSignal): AsyncGenerator<AgentEvent> {
    let index = 0;
    try {
      for (;;) {
        if (index < events.length) {
          yield events[index++]!;
          continue;
        }
        if (finished) {
          if (failed) throw error;
          return;
        }
        await changed(signal);
      }
    } finally {
      readers--;
      if (readers === 0 && !finished && result === undefined) {
        controller.abort(
          signal.aborted ? signal.reason : new AgentryError('AGENTRY_CANCELLED', 'cancelled: every caller waiting for this run went away'),
        );
        onAbandon();
      }
    }
  }

  return {
    join(signal) {
      readers++;
      return read(signal);
    },
    settled,
  };
}
