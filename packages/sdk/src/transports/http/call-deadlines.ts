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
  reason: unknown;
  private target: ((reason: unknown) => void) | undefined;
  private readonly onBind: (() => void) | undefined;

  constructor(onBind: (() => void) | undefined) {
    this.onBind = onBind;
  }

  bind(abort: (reason: unknown) => void): void {
    this.target = abort;
    if (this.aborted) abort(this.reason);
    else this.onBind?.();
  }

  fire(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.target?.(reason);
  }
}

export function createCallDeadlines(
  options: CallDeadlineOptions,
  label: string,
  requestId: string,
  signal: AbortSignal | undefined,
  stop: StopSource | undefined,
): CallDeadlines {
  const totalAt = performance.now() + options.totalMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Timers may fire a fraction of a millisecond before performance.now() reaches totalAt.
  let totalFired = false;
  let unlinkCaller = noop;
  let unlinkStop = noop;
  const totalError = (): AgentryError =>
    new AgentryError('AGENTRY_TIMEOUT', `${label} timed out after ${options.totalMs} ms (total)`, { retryable: false, requestId });

  /** Follows the caller's and the stop signal into `attempt`. */
  function follow(attempt: Attempt): void {
    const fire = (reason: unknown): void => attempt.fire(reason);
    unlinkCaller = onAbort(signal, fire);
    unlinkStop = stop === undefined ? noop : stop.subscribe(fire);
  }

  /** Arms one timer for `attempt`: the total deadline if it comes within `withinMs`, else `onTimeout` after `withinMs`. */
  function arm(attempt: Attempt, withinMs: number, onTimeout: (() => void) | undefined): void {
    if (timer !== undefined || attempt.aborted) return;
    const remaining = totalAt - performance.now();
    if (remaining <= withinMs) {
      timer = setTimeout(() => {
        totalFired = true;
        attempt.fire(totalError());
      }, Math.max(remaining, 0));
    }
    else if (onTimeout !== undefined) timer = setTimeout(onTimeout, withinMs);
  }

  function end(): void {
    clearTimeout(timer);
    timer = undefined;
    unlinkCaller();
    unlinkStop();
    unlinkCaller = noop;
    unlinkStop = noop;
  }

  return {
    begin(number) {
      const attempt: Attempt = new Attempt(() =>
        arm(attempt, options.attemptMs, () =>
          attempt.fire(new AgentryError('AGENTRY_TIMEOUT', `${label} timed out after ${options.attemptMs} ms (attempt ${number})`, { requestId })),
        ),
      );
      follow(attempt);
      return attempt;
    },
    end,
    cancelled: () => signal?.aborted === true || stop?.aborted === true,
    expired: () => (totalFired || performance.now() >= totalAt ? totalError() : undefined),
    async pause(ms) {
      // The pause ends early only for a cancel or a total deadline within it.
      const waiting = new Attempt(undefined);
      const controller = new AbortController();
      waiting.bind((reason) => controller.abort(reason));
      follow(waiting);
      arm(waiting, ms, undefined);
      try {
        if (performance.now() >= totalAt) waiting.fire(totalError());
        await sleep(ms, controller.signal);
      } catch {
        throw waiting.reason;
      } finally {
        end();
      }
    },
  };
}

function noop(): void {}
