import type { Dispatcher } from 'undici';
import { AgentryError } from '../../contract';
import { resolveRetryOptions, type ResolvedRetryOptions, type RetryOptions } from '../../core/backoff';

/** Options of an HTTP client of an Agentry server. */
export interface HttpTransportOptions {
  /** Base URL of the Agentry server, e.g. `http://127.0.0.1:8787`. */
  baseUrl: string;
  /** API key sent as `Authorization: Bearer`. */
  apiKey?: string;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** undici dispatcher (connection pool, proxy, mock). @default undici's global dispatcher */
  dispatcher?: Dispatcher;
  retry?: RetryOptions;
  timeout?: {
    /** Deadline of one attempt, in ms. @default 60000 */
    attemptMs?: number;
    /** Deadline of the whole call across retries, in ms (streams: until the first event). @default 120000 */
    totalMs?: number;
  };
  stall?: {
    /** A stream that sends nothing for this long after the request fails with AGENTRY_STREAM_STALLED, in ms. @default 30000 */
    firstEventMs?: number;
    /** A stream silent this long between events (keep-alive pings count as activity) fails the same way, in ms. @default 30000 */
    idleMs?: number;
  };
  /** How many times a broken stream is resumed with Last-Event-ID. @default 3 */
  resumeLimit?: number;
}

export interface ResolvedHttpTransportOptions {
  baseUrl: string;
  /** Origin of `baseUrl`, when requests can go to the dispatcher as origin + path (no query or fragment in `baseUrl`). */
  origin: string | undefined;
  /** Path of `baseUrl` without its trailing slash, put before every request path. */
  pathPrefix: string;
  headers: Record<string, string>;
  /** `headers` as a flat `[name, value, ...]` list. */
  headerList: readonly string[];
  /** Whether `headers` holds a name a request may set itself (`x-request-id`, `content-type`, `idempotency-key`, `accept`, `last-event-id`). */
  perRequestNamesUsed: boolean;
  dispatcher: Dispatcher | undefined;
  retry: ResolvedRetryOptions;
  attemptMs: number;
  totalMs: number;
  firstEventMs: number;
  idleMs: number;
  resumeLimit: number;
}

const perRequestNames = new Set(['x-request-id', 'content-type', 'idempotency-key', 'accept', 'last-event-id']);

/** Fills defaults once and checks what a typo would silently break. */
export function resolveHttpTransportOptions(options: HttpTransportOptions): ResolvedHttpTransportOptions {
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch (error) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `createClient: baseUrl ${JSON.stringify(options.baseUrl)} is not a URL`, {
      hint: 'Pass the server URL, e.g. http://127.0.0.1:8787.',
      cause: error,
    });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `createClient: baseUrl must be http or https, got ${base.protocol}`);
  }
  const positive = (value: number | undefined, fallback: number, name: string): number => {
    if (value === undefined) return fallback;
    if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
      throw new AgentryError('AGENTRY_INVALID_OPTIONS', `createClient: ${name} must be a positive number of ms, got ${String(value)}`);
    }
    return value;
  };
  const headers: Record<string, string> = {
    'user-agent': 'agentry-sdk/0.1',
    ...(options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }),
    ...options.headers,
  };
  const headerList = Object.entries(headers).flat();
  const baseUrl = base.href.replace(/\/+$/, '');
  const plain = base.search === '' && base.hash === '' && !baseUrl.endsWith('?') && !baseUrl.endsWith('#');
  return {
    baseUrl,
    origin: plain ? base.origin : undefined,
    pathPrefix: base.pathname.replace(/\/+$/, ''),
    headers,
    headerList,
    perRequestNamesUsed: Object.keys(headers).some((name) => perRequestNames.has(name)),
    dispatcher: options.dispatcher,
    retry: resolveRetryOptions(options.retry),
    attemptMs: positive(options.timeout?.attemptMs, 60_000, 'timeout.attemptMs'),
    totalMs: positive(options.timeout?.totalMs, 120_000, 'timeout.totalMs'),
    firstEventMs: positive(options.stall?.firstEventMs, 30_000, 'stall.firstEventMs'),
    idleMs: positive(options.stall?.idleMs, 30_000, 'stall.idleMs'),
    resumeLimit: options.resumeLimit ?? 3,
  };
}
