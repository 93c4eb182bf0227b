import type { Dispatcher } from 'undici';
import { AgentryError } from '../contract';
import { resolveRetryOptions, type ResolvedRetryOptions, type RetryOptions } from '../core/backoff';

/** What a retry hook is told. */
export interface ProviderRetryInfo {
  /** The retry about to run: 1 for the first retry. */
  attempt: number;
  /** How long the provider waits first, in ms (the server's Retry-After when it sent one). */
  delayMs: number;
  /** Why the previous attempt failed. */
  error: AgentryError;
}

/** Retries of a provider call; they happen only before the first event reaches the caller. */
export interface ProviderRetryOptions extends RetryOptions {
  /** Source of the backoff jitter, in [0, 1). @default Math.random */
  random?: () => number;
  /** Called before each retry (metrics, logs). The error never carries the API key. */
  onRetry?: (info: ProviderRetryInfo) => void;
}

/** Options every HTTP model provider takes. */
export interface HttpProviderOptions {
  /** Model id sent to the provider and used in the price table, e.g. `gpt-4o-mini`. */
  model: string;
  /** Extra headers on every request (organisation, project, beta flags). */
  headers?: Record<string, string>;
  /** undici dispatcher (connection pool, proxy, mock agent). @default undici's global dispatcher */
  dispatcher?: Dispatcher;
  /** Retries of 408/409/429/5xx/529 answers and broken connections. @default { limit: 2, baseDelayMs: 200, maxDelayMs: 5000, maxRetryAfterMs: 60000 } */
  retry?: ProviderRetryOptions;
  timeout?: {
    /** Deadline of one non-streamed attempt (`generate`, `embed`), in ms; AGENTRY_TIMEOUT when it passes. @default 600000 */
    attemptMs?: number;
  };
  stall?: {
    /** Time to the first model event of a streamed attempt (time to first token), in ms. @default 120000 */
    firstEventMs?: number;
    /** Longest silence between SSE messages once the stream has started, in ms (pings count as activity). @default 60000 */
    idleMs?: number;
  };
}

/** Defaults filled once, for the provider's core. */
export interface ResolvedHttpSettings {
  label: string;
  headers: Record<string, string>;
  dispatcher: Dispatcher | undefined;
  retry: ResolvedRetryOptions;
  random: () => number;
  onRetry: ((info: ProviderRetryInfo) => void) | undefined;
  attemptMs: number;
  firstEventMs: number;
  idleMs: number;
  /** Strings never to show in an error message (the API key). */
  secrets: string[];
}

/** Fills defaults and checks the options a typo would silently break. */
export function resolveHttpSettings(
  where: string,
  label: string,
  options: HttpProviderOptions,
  authHeaders: Record<string, string>,
  secrets: string[],
): ResolvedHttpSettings {
  if (typeof options.model !== 'string' || options.model.trim() === '') {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `${where}: \`model\` must be a non-empty string`);
  }
  const positive = (value: number | undefined, fallback: number, name: string): number => {
    if (value === undefined) return fallback;
    if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
      throw new AgentryError('AGENTRY_INVALID_OPTIONS', `${where}: \`${name}\` must be a positive number of ms, got ${String(value)}`);
    }
    return value;
  };
  const retry = resolveRetryOptions(options.retry);
  if (!Number.isInteger(retry.limit) || retry.limit < 0) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `${where}: \`retry.limit\` must be a whole number ≥ 0, got ${String(retry.limit)}`);
  }
  return {
    label,
    headers: { 'user-agent': 'agentry-sdk/0.1', ...options.headers, ...authHeaders },
    dispatcher: options.dispatcher,
    retry,
    random: options.retry?.random ?? Math.random,
    onRetry: options.retry?.onRetry,
    attemptMs: positive(options.timeout?.attemptMs, 600_000, 'timeout.attemptMs'),
    firstEventMs: positive(options.stall?.firstEventMs, 120_000, 'stall.firstEventMs'),
    idleMs: positive(options.stall?.idleMs, 60_000, 'stall.idleMs'),
    secrets: secrets.filter((secret) => secret.length >= 4),
  };
}

/** Parses a base URL option, or fails naming the option. */
export function parseBaseUrl(where: string, name: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Neither the value nor the parser's error (which quotes it) is kept: a URL may carry credentials.
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `${where}: \`${name}\` is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `${where}: \`${name}\` must be http or https, got ${url.protocol}`);
  }
  return url;
}
