/** Fails commands Redis does not answer in time; see {@link createCommandDeadlines}. */
export interface CommandDeadlines {
  /**
   * Settles as `pending` does, or rejects with `Command timed out` once the deadline has passed;
   * `mapError` turns either failure into what the caller rejects with.
   */
  watch<T>(pending: Promise<T>, mapError?: (error: unknown) => unknown): Promise<T>;
  /** Stops the timer; commands still waiting are left to their connection. */
  close(): void;
}

interface Watched {
  readonly deadline: number;
  readonly reject: (error: unknown) => void;
  readonly mapError: ((error: unknown) => unknown) | undefined;
}

/**
 * Command deadlines with one timer per connection instead of one per command (what ioredis's
 * `commandTimeout` arms): a store's hot path, such as a cache hit, then costs no timer at all.
 * A sweep every quarter of `timeoutMs` fails the overdue commands, so a command fails between
 * `timeoutMs` and 1.25 x `timeoutMs` after it was sent. The timer runs only while commands wait,
 * and never keeps the process alive.
 */
export function createCommandDeadlines(timeoutMs: number): CommandDeadlines {
  const waiting = new Set<Watched>();
  const sweepEveryMs = Math.max(5, Math.ceil(timeoutMs / 4));
  let timer: ReturnType<typeof setInterval> | undefined;

  function sweep(): void {
    const now = Date.now();
    for (const watched of waiting) {
      if (watched.deadline > now) continue;
      waiting.delete(watched);
      // The message ioredis gives a command past its `commandTimeout`.
      const error = new Error('Command timed out');
      watched.reject(watched.mapError === undefined ? error : watched.mapError(error));
    }
    if (waiting.size === 0) stop();
  }

  function stop(): void {
    if (timer === undefined) return;
    clearInterval(timer);
    timer = undefined;
  }

  return {
    watch(pending, mapError) {
      return new Promise((resolve, reject) => {
        const watched: Watched = { deadline: Date.now() + timeoutMs, reject, mapError };
        waiting.add(watched);
        if (timer === undefined) {
          timer = setInterval(sweep, sweepEveryMs);
          (timer as { unref?: () => void }).unref?.();
        }
        pending.then(
          (value) => {
            waiting.delete(watched);
            resolve(value);
          },
          (error: unknown) => {
            waiting.delete(watched);
            reject(mapError === undefined ? error : mapError(error));
          },
        );
      });
    },
    close() {
      waiting.clear();
      stop();
    },
  };
}
