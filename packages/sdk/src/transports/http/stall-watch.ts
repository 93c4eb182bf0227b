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
 * the first event, then `idleMs` between chunks. Keeps timestamps rather than re-arming a timer
 * per event (the hot path), and tells its listeners directly: no AbortController and
 * event-target listeners per stream. One object per stream, its methods shared (a class, not a
 * dozen closures and accessor pairs made per call).
 */
export function createStallWatch(firstEventMs: number, idleMs: number, label: string, requestId: string): StallWatch {
  return new TimestampStallWatch(firstEventMs, idleMs, label, requestId);
}

class TimestampStallWatch implements StallWatch {
  aborted = false;
  reason: unknown = undefined;
  private readonly firstEventMs: number;
  private readonly idleMs: number;
  private readonly label: string;
  private readonly requestId: string;
  /** Most streams have one or two listeners at a time; the array is made for the first. */
  private listeners: Array<(reason: unknown) => void> | undefined = undefined;
  private sawEvent = false;
  private paused = false;
  private last = 0;
  private started = false;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private readonly check = (): void => {
    if (this.paused) {
      this.timer = setTimeout(this.check, this.idleMs);
      return;
    }
    const limit = this.sawEvent ? this.idleMs : this.firstEventMs;
    const elapsed = performance.now() - this.last;
    if (elapsed >= limit) {
      const silence = this.sawEvent ? `no activity for ${this.idleMs} ms` : `no event within ${this.firstEventMs} ms`;
      this.fire(new AgentryError('AGENTRY_STREAM_STALLED', `${this.label} stalled: ${silence}`, { requestId: this.requestId }));
    } else {
      this.timer = setTimeout(this.check, limit - elapsed);
    }
  };

  constructor(firstEventMs: number, idleMs: number, label: string, requestId: string) {
    this.firstEventMs = firstEventMs;
    this.idleMs = idleMs;
    this.label = label;
    this.requestId = requestId;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.last = performance.now();
    this.timer = setTimeout(this.check, this.firstEventMs);
  }

  subscribe(listener: (reason: unknown) => void): () => void {
    if (this.aborted) {
      listener(this.reason);
      return noop;
    }
    (this.listeners ??= []).push(listener);
    return () => {
      const at = this.listeners?.indexOf(listener) ?? -1;
      if (at !== -1) this.listeners!.splice(at, 1);
    };
  }

  activity(): void {
    if (this.sawEvent) this.last = performance.now();
  }

  event(): void {
    this.last = performance.now();
    if (!this.sawEvent) {
      // From now on the idle deadline applies. A pending check that comes no later than it
      // re-arms itself from the timestamps; only a shorter idle deadline needs a new timer.
      this.sawEvent = true;
      if (this.timer !== undefined && this.idleMs < this.firstEventMs) {
        clearTimeout(this.timer);
        this.timer = setTimeout(this.check, this.idleMs);
      }
    }
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.last = performance.now();
  }

  stop(): void {
    // A watch stopped before it started never starts.
    this.started = true;
    clearTimeout(this.timer);
  }

  private fire(stalled: AgentryError): void {
    this.aborted = true;
    this.reason = stalled;
    const notified = this.listeners;
    this.listeners = undefined;
    if (notified !== undefined) for (const listener of notified) listener(stalled);
  }
}

function noop(): void {}
