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
   * `after`, when given, is awaited once the run ended well, before the reader's last step.
   */
  join(signal: AbortSignal, after?: Promise<unknown>): AsyncGenerator<AgentEvent>;
  /** Settles (never rejects) when the run has ended. */
  readonly settled: Promise<FlightOutcome>;
}

/** Hooks of {@link startFlight}. */
export interface FlightHooks {
  /** Called when nobody is left reading before the run ended, so the run can be forgotten. */
  onAbandon: () => void;
  /** Sees each event before any reader does (the cache records it there). */
  onEvent?: (event: AgentEvent) => void;
}

/**
 * Starts `run` in the background and buffers its events. The run is decoupled from any one
 * caller: the first caller stopping early (a closed stream) does not cut off the others, and
 * `onAbandon` is called when nobody is left so the run can be forgotten before it ends.
 */
export function startFlight(run: (signal: AbortSignal) => AsyncIterable<AgentEvent>, hooks: FlightHooks): Flight {
  return new SharedRun(run, hooks);
}

// A class rather than closures: one flight starts per cache miss, and methods cost nothing per
// instance, where a dozen closures would be allocated for every call.
class SharedRun implements Flight {
  readonly settled: Promise<FlightOutcome>;
  private readonly hooks: FlightHooks;
  private readonly controller = new AbortController();
  private readonly events: AgentEvent[] = [];
  private waiters: Array<() => void> = [];
  private finished = false;
  private failed = false;
  private error: unknown;
  private result: InvokeResult | undefined;
  private readers = 0;

  constructor(run: (signal: AbortSignal) => AsyncIterable<AgentEvent>, hooks: FlightHooks) {
    this.hooks = hooks;
    this.settled = this.pump(run);
  }

  join(signal: AbortSignal, after?: Promise<unknown>): AsyncGenerator<AgentEvent> {
    this.readers++;
    return this.read(signal, after);
  }

  private async pump(run: (signal: AbortSignal) => AsyncIterable<AgentEvent>): Promise<FlightOutcome> {
    const { onEvent } = this.hooks;
    try {
      for await (const event of run(this.controller.signal)) {
        onEvent?.(event);
        if (event.type === 'result') this.result = event.result;
        this.events.push(event);
        this.wake();
      }
    } catch (caught) {
      this.failed = true;
      this.error = caught;
    } finally {
      this.finished = true;
      this.wake();
    }
    return { events: this.events, result: this.failed ? undefined : this.result, failed: this.failed, error: this.error };
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const waiting = this.waiters;
    this.waiters = [];
    for (const resume of waiting) resume();
  }

  private async *read(signal: AbortSignal, after: Promise<unknown> | undefined): AsyncGenerator<AgentEvent> {
    let index = 0;
    // One abort listener per reader, added the first time it has to wait (never for a finished
    // run), rather than one per wait: a reader waits once per event of the run.
    let rejectWait: ((reason: unknown) => void) | undefined;
    const onAbort = (): void => rejectWait?.(signal.reason);
    let listening = false;
    try {
      for (;;) {
        if (index < this.events.length) {
          yield this.events[index++]!;
          continue;
        }
        if (this.finished) {
          if (this.failed) throw this.error;
          if (after !== undefined) await after;
          return;
        }
        if (signal.aborted) throw signal.reason;
        if (!listening) {
          listening = true;
          signal.addEventListener('abort', onAbort, { once: true });
        }
        await new Promise<void>((resolve, reject) => {
          rejectWait = reject;
          this.waiters.push(resolve);
        });
        rejectWait = undefined;
      }
    } finally {
      if (listening) signal.removeEventListener('abort', onAbort);
      this.readers--;
      if (this.readers === 0 && !this.finished && this.result === undefined) {
        this.controller.abort(
          signal.aborted ? signal.reason : new AgentryError('AGENTRY_CANCELLED', 'cancelled: every caller waiting for this run went away'),
        );
        this.hooks.onAbandon();
      }
    }
  }
}
