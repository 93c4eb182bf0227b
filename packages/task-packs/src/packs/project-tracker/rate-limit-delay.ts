type HeaderValue = string | string[] | undefined;

/** GitHub's advice when a rate-limited response says nothing about when to come back. */
export const defaultRateLimitWaitMs = 60_000;

/**
 * How long to wait before retrying a rate-limited tracker response, following GitHub's rules:
 * `Retry-After` (seconds or an HTTP date) first; then, when `x-ratelimit-remaining` is `0`, until
 * `x-ratelimit-reset` (epoch seconds); a 429 with neither waits one minute. A 403 without any of
 * these is a real permission error, not a rate limit.
 *
 * @returns milliseconds to wait, or undefined when the response is not a rate limit.
 */
export function rateLimitDelay(status: number, headers: Record<string, HeaderValue>, nowMs: number): number | undefined {
  if (status !== 429 && status !== 403) return undefined;
  const retryAfter = first(headers['retry-after']);
  if (retryAfter !== undefined) {
    if (/^\s*\d+\s*$/.test(retryAfter)) return Number(retryAfter) * 1_000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  const reset = Number(first(headers['x-ratelimit-reset']));
  if (first(headers['x-ratelimit-remaining']) === '0' && Number.isFinite(reset) && reset > 0) {
    return Math.max(0, reset * 1_000 - nowMs);
  }
  return status === 429 ? defaultRateLimitWaitMs : undefined;
}

function first(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
