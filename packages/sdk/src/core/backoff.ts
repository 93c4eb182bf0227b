/** Retry policy of a call. */
export interface RetryOptions {
  /** Retries after the first attempt. @default 2 */
  limit?: number;
  /** Base of the exponential backoff in ms. @default 200 */
  baseDelayMs?: number;
  /** Cap of one backoff delay in ms (a server's Retry-After may ask for more, up to `maxRetryAfterMs`). @default 5000 */
  maxDelayMs?: number;
  /** Longest Retry-After honoured, in ms; a longer ask fails the call instead of hanging it. @default 60000 */
  maxRetryAfterMs?: number;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export function resolveRetryOptions(options: RetryOptions | undefined): ResolvedRetryOptions {
  return {
    limit: options?.limit ?? 2,
    baseDelayMs: options?.baseDelayMs ?? 200,
    maxDelayMs: options?.maxDelayMs ?? 5_000,
    maxRetryAfterMs: options?.maxRetryAfterMs ?? 60_000,
  };
}

/**
 * Delay before retry number `attempt` (1-based): the server's Retry-After when given, otherwise
 * exponential backoff with full jitter (a uniform draw in [0, min(cap, base * 2^(attempt-1))]),
 * which spreads retrying clients apart instead of synchronising them.
 */
export function backoffDelay(
  attempt: number,
  options: ResolvedRetryOptions,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, options.maxRetryAfterMs);
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Parses `Retry-After` (delta seconds or an HTTP date) and `retry-after-ms` into milliseconds;
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(retryAfter: string | undefined | null, retryAfterMs?: string | null, now: number = Date.now()): number | undefined {
  if (retryAfterMs != null && retryAfterMs !== '') {
    const ms = Number(retryAfterMs);
    if (Number.isFinite(ms) && ms >= 0) return ms;
  }
  if (retryAfter == null || retryAfter === '') return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
