import { AgentryError } from '../../contract';
import type { StopSource } from './call-deadlines';

/** Ends a stream that stays silent too long; see {@link createStallWatch}. */
export interface StallWatch extends StopSource {
  /** Starts the first-event deadline; call it once the request is sent. Later calls do nothing. */
  start(): void;
  /** Bytes arrived (events or keep-alive comments); before the first event only events count. */
  activity(): void;
  /** Whole events arrived. */
  event(): void;
  /** The consumer holds events: its pace is not the server's silence. */
  pause(): void;
  resume(): void;
  /** Clears the timer; the watch never fires after this. */
  stop(): void;
}

/**
 * Ends a stream that stays silent too long: `firstEventMs` from {@link StallWatch.start} until
 * the first event, then `idleMs` between chunks. Keeps timestamps rather than re-arming a timer per event (the hot path), and
 * tells its listeners directly: no AbortController and event-target listeners per stream.
 */
export function createStallWatch(firstEventMs: number, idleMs: number, label: string, requestId: string): StallWatch {
  let aborted = false;
  let reason: unknown;
  let listeners: Array<(reason: unknown) => void> = [];
  let sawEvent = false;
  let paused = false;
  let last = 0;
  let started = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  function check(): void {
    if (paused) {
      timer = setTimeout(check, idleMs);
      return;
    }
    const limit = sawEvent ? idleMs : firstEventMs;
    const elapsed = performance.now() - last;
    if (elapsed >= limit) {
      const silence = sawEvent ? `no activity for ${idleMs} ms` : `no event within ${firstEventMs} ms`;
      fire(new AgentryError('AGENTRY_STREAM_STALLED', `${label} stalled: ${silence}`, { requestId }));
    } else {
      timer = setTimeout(check, limit - elapsed);
    }
  }
  function fire(stalled: AgentryError): void {
    aborted = true;
    reason = stalled;
    const notified = listeners;
    listeners = [];
    for (const listener of notified) listener(stalled);
  }
  return {
    get aborted() {
      return aborted;
    },
    get reason() {
      return reason;
    },
    start() {
      if (started) return;
      started = true;
      last = performance.now();
      timer = setTimeout(check, firstEventMs);
    },
    subscribe(listener) {
      if (aborted) {
        listener(reason);
        return noop;
      }
      listeners.push(listener);
      return () => {
        listeners = listeners.filter((candidate) => candidate !== listener);
      };
    },
    activity() {
      if (sawEvent) last = performance.now();
    },
    event() {
      last = performance.now();
      if (!sawEvent) {
        // From now on the idle deadline applies. A pending check that comes no later than it
        // re-arms itself from the timestamps; only a shorter idle deadline needs a new timer.
        sawEvent = true;
        if (timer !== undefined && idleMs < firstEventMs) {
          clearTimeout(timer);
          timer = setTimeout(check, idleMs);
        }
      }
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      last = performance.now();
    },
    stop() {
      // A watch stopped before it started never starts.
      started = true;
      clearTimeout(timer);
    },
  };
}

function noop(): void {}
