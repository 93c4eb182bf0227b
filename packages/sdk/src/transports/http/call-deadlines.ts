import { AgentryError } from '../../contract';
import { sleep } from '../../core/backoff';
import { onAbort } from '../../core/linked-abort';

/** Something besides the caller that can end a call (a stream's stall watch), without an AbortSignal. */
export interface StopSource {
  readonly aborted: boolean;
  readonly reason: unknown;
  /** Calls `listener` with the reason when the source fires (at once if it has); returns the function that stops listening. */
  subscribe(listener: (reason: unknown) => void): () => void;
}

/** The cancellation of one attempt: whichever of its deadlines or signals comes first. */
export interface AttemptAbort {
  /**
   * Where the cancellation goes; called at once when the attempt is already cancelled. Bind once,
   * right after sending the request and before awaiting it: the attempt's deadline starts then, so
   * the timer is not set up while the request could already be on its way.
   */
  bind(abort: (reason: unknown) => void): void;
  /** True once the attempt was cancelled. */
  readonly aborted: boolean;
  /** Why it was cancelled: the caller's or the stop signal's reason, or a deadline's AgentryError. */
  readonly reason: unknown;
}

/**
 * Cancellation of one call across its attempts: the caller's signal, an optional stop signal
 * (a stream's stall watch), the total deadline and each attempt's deadline, each ending the call
 * with its own reason. One timer per attempt, armed for whichever deadline comes first, and no
 * AbortController unless the request needs a signal; joining a controller per deadline with
 * `AbortSignal.any` costs far more on the request path.
 */
export interface CallDeadlines {
  /** Starts attempt `attempt` (1-based); call {@link CallDeadlines.end} once it settled. */
  begin(attempt: number): AttemptAbort;
  /** Ends the current attempt: clears its timer and stops following the caller's and the stop signals. */
  end(): void;
  /** True once the caller's signal aborted or the stop source fired. */
  cancelled(): boolean;
  /** The total-deadline error when the total deadline has passed, otherwise undefined. */
  expired(): AgentryError | undefined;
  /** Waits `ms` before the next attempt; rejects with the reason the call ended (cancel or total deadline) if it ends first. */
  pause(ms: number): Promise<void>;
}

export interface CallDeadlineOptions {
  /** Deadline of one attempt, in ms. */
  attemptMs: number;
  /** Deadline of the whole call, in ms. */
  totalMs: number;
}

class Attempt implements AttemptAbort {
  aborted = false;
  reason: unknown = undefined;
  private target: ((reason: unknown) => void) | undefined = undefined;
  private readonly owner: Deadlines | undefined;
  /** The attempt's number, for its timeout message; 0 for the pause between attempts, which has no deadline of its own. */
  readonly number: number;

  constructor(owner: Deadlines | undefined, number: number) {
    this.owner = owner;
    this.number = number;
  }

  bind(abort: (reason: unknown) => void): void {
    this.target = abort;
    if (this.aborted) abort(this.reason);
    else this.owner?.armAttempt(this);
  }

  fire(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.target?.(reason);
  }

  /** Fires with the attempt's own timeout. */
  timeOut(label: string, attemptMs: number, requestId: string): void {
    this.fire(new AgentryError('AGENTRY_TIMEOUT', `${label} timed out after ${attemptMs} ms (attempt ${this.number})`, { requestId }));
  }
}

export function createCallDeadlines(
  options: CallDeadlineOptions,
  label: string,
  requestId: string,
  signal: AbortSignal | undefined,
  stop: StopSource | undefined,
): CallDeadlines {
  return new Deadlines(options, label, requestId, signal, stop);
}

/** One object per call, its methods shared: no closures made per call beyond the timer's callback. */
class Deadlines implements CallDeadlines {
  private readonly attemptMs: number;
  private readonly totalMs: number;
  private readonly label: string;
  private readonly requestId: string;
  private readonly signal: AbortSignal | undefined;
  private readonly stop: StopSource | undefined;
  private readonly totalAt: number;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** The attempt the timer and the followed signals are for. */
  private current: Attempt | undefined = undefined;
  // Timers may fire a fraction of a millisecond before performance.now() reaches totalAt.
  private totalFired = false;
  private unlinkCaller = noop;
  private unlinkStop = noop;
  private readonly onTimer = (): void => {
    const attempt = this.current;
    if (attempt === undefined) return;
    if (this.timerIsTotal) {
      this.totalFired = true;
      attempt.fire(this.totalError());
    } else attempt.timeOut(this.label, this.attemptMs, this.requestId);
  };
  private timerIsTotal = false;
  private readonly fireCurrent = (reason: unknown): void => this.current?.fire(reason);

  constructor(options: CallDeadlineOptions, label: string, requestId: string, signal: AbortSignal | undefined, stop: StopSource | undefined) {
    this.attemptMs = options.attemptMs;
    this.totalMs = options.totalMs;
    this.label = label;
    this.requestId = requestId;
    this.signal = signal;
    this.stop = stop;
    this.totalAt = performance.now() + options.totalMs;
  }

  begin(number: number): AttemptAbort {
    const attempt = new Attempt(this, number);
    this.follow(attempt);
    return attempt;
  }

  end(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.current = undefined;
    this.unlinkCaller();
    this.unlinkStop();
    this.unlinkCaller = noop;
    this.unlinkStop = noop;
  }

  cancelled(): boolean {
    return this.signal?.aborted === true || this.stop?.aborted === true;
  }

  expired(): AgentryError | undefined {
    return this.totalFired || performance.now() >= this.totalAt ? this.totalError() : undefined;
  }

  async pause(ms: number): Promise<void> {
    // The pause ends early only for a cancel or a total deadline within it.
    const waiting = new Attempt(undefined, 0);
    const controller = new AbortController();
    waiting.bind((reason) => controller.abort(reason));
    this.follow(waiting);
    this.arm(waiting, ms, false);
    try {
      if (performance.now() >= this.totalAt) waiting.fire(this.totalError());
      await sleep(ms, controller.signal);
    } catch {
      throw waiting.reason;
    } finally {
      this.end();
    }
  }

  /** Arms the attempt deadline once the attempt is bound (see {@link AttemptAbort.bind}). */
  armAttempt(attempt: Attempt): void {
    this.arm(attempt, this.attemptMs, true);
  }

  /** Follows the caller's and the stop signal into `attempt`. */
  private follow(attempt: Attempt): void {
    this.current = attempt;
    this.unlinkCaller = onAbort(this.signal, this.fireCurrent);
    this.unlinkStop = this.stop === undefined ? noop : this.stop.subscribe(this.fireCurrent);
  }

  /** Arms one timer for `attempt`: the total deadline if it comes within `withinMs`, else (with `attemptTimeout`) the attempt's own after `withinMs`. */
  private arm(attempt: Attempt, withinMs: number, attemptTimeout: boolean): void {
    if (this.timer !== undefined || attempt.aborted) return;
    const remaining = this.totalAt - performance.now();
    if (remaining <= withinMs) {
      this.timerIsTotal = true;
      this.timer = setTimeout(this.onTimer, Math.max(remaining, 0));
    } else if (attemptTimeout) {
      this.timerIsTotal = false;
      this.timer = setTimeout(this.onTimer, withinMs);
    }
  }

  private totalError(): AgentryError {
    return new AgentryError('AGENTRY_TIMEOUT', `${this.label} timed out after ${this.totalMs} ms (total)`, { retryable: false, requestId: this.requestId });
  }
}

function noop(): void {}
