import { AgentryError, isAgentryError, type TaskPackFetch } from '@agentry/sdk';
import { rateLimitDelay } from './rate-limit-delay';
import { trackerError } from './tracker-error';

/** Time as the connector sees it; injectable so tests neither wait nor depend on the wall clock. */
export interface TrackerClock {
  now(): number;
  /** Resolves after `ms`, rejects with AGENTRY_CANCELLED when `signal` aborts first. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** Settings of {@link createTrackerHttp}, normalised. */
export interface TrackerHttpOptions {
  /** API root without a trailing slash, e.g. `https://api.github.com`. */
  baseUrl: string;
  token: string | undefined;
  userAgent: string;
  retry: { limit: number; maxWaitMs: number };
  clock: TrackerClock;
}

/**
 * What one invocation lends the transport. `fetch` is the handler's `ctx.fetch`, so every request
 * (redirects included) is held to the hosts the manifest declares and carries the invocation's signal.
 */
export interface TrackerScope {
  signal: AbortSignal;
  fetch: TaskPackFetch;
}

/** One call of the tracker API. */
export interface TrackerCall extends TrackerScope {
  /** Names the call in errors, e.g. `get acme/widgets#3`. */
  operation: string;
  method: 'GET' | 'POST' | 'PATCH';
  /** A path below `baseUrl`, or an absolute URL under it (a pagination link). */
  target: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

/** A successful tracker answer, body parsed from JSON. */
export interface TrackerResponse {
  status: number;
  /** Response headers, names in lower case (several values of one name joined by `, `). */
  headers: Record<string, string>;
  body: unknown;
}

/** The transport of the connector: JSON over the invocation's `ctx.fetch` with rate-limit waits and bounded retries. */
export interface TrackerHttp {
  send(call: TrackerCall): Promise<TrackerResponse>;
}

/** The real clock: `Date.now` and a timer that an AbortSignal cancels. */
export const systemClock: TrackerClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(cancelled(signal));
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(cancelled(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * Creates the tracker transport. A rate-limited answer (429, or 403 with GitHub's rate-limit
 * headers) is waited out and retried, at most `retry.limit` times and never longer than
 * `retry.maxWaitMs` per wait: a longer wait fails at once with AGENTRY_RATE_LIMITED and
 * `retryAfterSeconds`, so the caller can schedule the retry instead of holding a request open.
 * 5xx answers and broken connections are retried with backoff only for GET and PATCH (both
 * idempotent here), never for POST, which would create a second issue or comment.
 */
export function createTrackerHttp(options: TrackerHttpOptions): TrackerHttp {
  const base = new URL(`${options.baseUrl}/`);

  function resolveTarget(call: TrackerCall): URL {
    const url = /^https?:\/\//i.test(call.target) ? new URL(call.target) : new URL(call.target.replace(/^\//, ''), base);
    // Pagination links come from the server; following one elsewhere would send the token there.
    if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) {
      throw new AgentryError(
        'AGENTRY_UPSTREAM_ERROR',
        `project-tracker ${call.operation}: refusing to follow ${url.origin}${url.pathname}, outside ${options.baseUrl}`,
        {
          retryable: false,
          hint: 'The tracker sent a pagination link to another host; check `baseUrl`.',
        }
      );
    }
    for (const [key, value] of Object.entries(call.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    return url;
  }

  return {
    async send(call) {
      const url = resolveTarget(call);
      const retriesServerErrors = call.method !== 'POST';
      const headers: Record<string, string> = {
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': options.userAgent,
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
        ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
      };
      for (let attempt = 0; ; attempt++) {
        let status: number;
        let responseHeaders: TrackerResponse['headers'];
        let text: string;
        try {
          // Redirects are followed by ctx.fetch, which checks every hop against the declared hosts.
          const response = await call.fetch(url.toString(), {
            method: call.method,
            headers,
            ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
            signal: call.signal,
          });
          status = response.status;
          responseHeaders = Object.fromEntries(response.headers);
          text = await response.text();
        } catch (error) {
          if (call.signal.aborted) throw cancelled(call.signal, error);
          // Coded already: a refused host (AGENTRY_CAPABILITY_DENIED), a host fetch's own refusal, a redirect loop.
          if (isAgentryError(error)) throw error;
          if (retriesServerErrors && attempt < options.retry.limit) {
            await options.clock.sleep(backoffMs(attempt), call.signal);
            continue;
          }
          throw new AgentryError('AGENTRY_UPSTREAM_ERROR', `project-tracker ${call.operation} failed: ${(error as Error).message}`, {
            cause: error,
            details: { operation: call.operation },
            hint: 'The tracker could not be reached: check `baseUrl` and the network; retrying later may succeed.',
          });
        }
        const body = parseJson(text);
        const waitMs = rateLimitDelay(status, responseHeaders, options.clock.now());
        if (waitMs !== undefined) {
          if (waitMs > options.retry.maxWaitMs || attempt >= options.retry.limit) {
            throw new AgentryError(
              'AGENTRY_RATE_LIMITED',
              `project-tracker ${call.operation}: the tracker is rate limiting this token for ${Math.ceil(waitMs / 1_000)} s`,
              {
                retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1_000)),
                details: { operation: call.operation, upstreamStatus: status, attempts: attempt + 1 },
              }
            );
          }
          await options.clock.sleep(waitMs, call.signal);
          continue;
        }
        if (status >= 500 && retriesServerErrors && attempt < options.retry.limit) {
          await options.clock.sleep(backoffMs(attempt), call.signal);
          continue;
        }
        if (status >= 400) throw trackerError(call.operation, status, body);
        return { status, headers: responseHeaders, body };
      }
    },
  };
}

function backoffMs(attempt: number): number {
  return Math.min(4_000, 250 * 2 ** attempt);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function cancelled(signal: AbortSignal, cause?: unknown): AgentryError {
  return isAgentryError(signal.reason)
    ? signal.reason
    : new AgentryError('AGENTRY_CANCELLED', 'project-tracker call cancelled', { cause: cause ?? signal.reason });
}
