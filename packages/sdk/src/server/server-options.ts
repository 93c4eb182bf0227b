import type { TaskPack, TaskPackLogger } from '../core/task-pack';
import { silentLogger } from '../core/logger';
import type { Runtime, RuntimeOptions } from '../runtime';
import { isInvocationObserver, type InvocationObserver } from './invocation-observer';
import { resolveMetricsOptions, type MetricsOptions, type ResolvedMetricsOptions } from './metrics-options';
import { integer, invalid } from './option-checks';
import { resolveUsageOptions, type ResolvedUsageOptions, type UsageOptions } from './usage-options';

/** What an API key stands for. */
export interface ApiKeyIdentity {
  /** The tenant the key's requests are billed and isolated to. */
  tenant: string;
}

/**
 * API keys of the server: a map from key to identity (compared in constant time), or a function
 * that looks a key up elsewhere (a database, a secrets service) and returns `undefined` for an
 * unknown key.
 */
export type ApiKeys = Readonly<Record<string, ApiKeyIdentity>> | ((key: string) => Promise<ApiKeyIdentity | undefined>);

/**
 * Options of {@link createServer}. Give `packs` (and any runtime option) to have the server create
 * its runtime, or `runtime` to serve one you created.
 */
export interface ServerOptions extends Partial<Omit<RuntimeOptions, 'packs'>> {
  /**
   * The task packs to host; the server creates its runtime from them and the runtime options.
   * Exclusive with `runtime`. @default none: give `packs` or `runtime`
   */
  packs?: readonly TaskPack[];
  /**
   * An existing runtime to serve; `close()` drains it. Exclusive with `packs` and the other
   * runtime options (but `logger`, which then receives only the server's own lines). @default none: give `packs` or `runtime`
   */
  runtime?: Runtime;
  /** API keys and their tenants; every `/v1` request needs one as `Authorization: Bearer <key>`. @default none: required */
  apiKeys: ApiKeys;
  limits?: {
    /** Largest request body accepted, in bytes; larger ones get 413. @default 1048576 (1 MiB) */
    maxBodyBytes?: number;
    /**
     * Streams this server runs at once (a stream counts until its run ends, even after its client
     * left). One more is refused with 503 `AGENTRY_UNAVAILABLE` and `Retry-After`; resumes are not
     * counted. @default 1000
     */
    maxConcurrentStreams?: number;
    /**
     * Longest a stream may run, in ms: then it ends with an `error` event `AGENTRY_TIMEOUT` and its
     * run is aborted. A backstop above the packs' own deadlines. @default 900000 (15 min)
     */
    maxStreamDurationMs?: number;
  };
  streams?: {
    /** How long a finished stream's events stay available to `Last-Event-ID` resumes, in ms. @default 60000 */
    replayWindowMs?: number;
    /** Events kept per stream for resumes; the oldest are dropped past this. @default 10000 */
    maxEventsPerStream?: number;
    /** Interval of `: ping` comments on an idle stream, so proxies keep it open, in ms. @default 15000 */
    pingIntervalMs?: number;
    /**
     * Finished streams kept for `Last-Event-ID` resumes; past this the oldest finished one is
     * forgotten before its replay window ends. Running streams are never dropped. @default 1000
     */
    maxRetainedStreams?: number;
  };
  /**
   * Prometheus metrics, recorded per server (its own prom-client registry) and served at
   * `GET /metrics` to a scraper with `metrics.token`, or to anyone with `metrics.public`; `false`
   * records nothing and answers 404. @default recorded; `/metrics` refused until `token` or `public` is set
   */
  metrics?: MetricsOptions | false;
  /**
   * `GET /v1/usage`: each tenant's usage, counted in memory within these bounds; `false` counts
   * nothing and answers 404. @default { retentionMs: 86400000, granularityMs: 60000, maxEntries: 50000 }
   */
  usage?: UsageOptions | false;
  /**
   * With `runtime`: the {@link createInvocationObserver} placed outermost in that runtime's
   * middleware, from which the server counts invocations for `/metrics` and `/v1/usage` (without
   * it, those hold no invocation figures). With `packs` the server observes its own runtime.
   * @default none
   */
  observer?: InvocationObserver;
  /** Longest `close()` waits for in-flight work before cancelling it, in ms. @default 30000 */
  shutdownTimeoutMs?: number;
}

/** {@link ServerOptions} with every default filled in. */
export interface ResolvedServerOptions {
  apiKeys: ApiKeys;
  maxBodyBytes: number;
  replayWindowMs: number;
  maxEventsPerStream: number;
  pingIntervalMs: number;
  maxConcurrentStreams: number;
  maxStreamDurationMs: number;
  maxRetainedStreams: number;
  shutdownTimeoutMs: number;
  logger: TaskPackLogger;
  /** Undefined when metrics are off. */
  metrics: ResolvedMetricsOptions | undefined;
  /** Undefined when usage reporting is off. */
  usage: ResolvedUsageOptions | undefined;
}

const runtimeOptionNames = ['model', 'middleware', 'store', 'costOf', 'defaultTimeoutMs', 'jobs', 'webhooks', 'idempotency'] as const;

/**
 * Checks the options once at the edge and fills in defaults.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` naming the wrong field.
 */
export function resolveServerOptions(options: ServerOptions): ResolvedServerOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'must be an object');
  if (options.runtime !== undefined) {
    const runtime = options.runtime as Partial<Runtime> | null;
    if (typeof runtime !== 'object' || runtime === null || typeof runtime.invoke !== 'function' || typeof runtime.stream !== 'function') {
      throw invalid('runtime', 'must be a Runtime made by createRuntime()');
    }
    if (options.packs !== undefined) throw invalid('packs', 'cannot be given together with `runtime`; give the packs to createRuntime()');
    const clash = runtimeOptionNames.find((name) => options[name] !== undefined);
    if (clash !== undefined) throw invalid(clash, 'cannot be given together with `runtime`; give it to createRuntime()');
  } else if (!Array.isArray(options.packs)) {
    throw invalid('packs', 'must be an array of task packs (or give `runtime`)');
  } else if (options.observer !== undefined) {
    throw invalid('observer', 'is for a runtime you create (give it with `runtime`); with `packs` the server observes its own runtime');
  }
  if (options.observer !== undefined && !isInvocationObserver(options.observer)) {
    throw invalid('observer', 'must be made by createInvocationObserver()');
  }
  checkApiKeys(options.apiKeys);
  const logger = options.logger ?? silentLogger;
  if (typeof logger !== 'object' || logger === null || typeof logger.error !== 'function') {
    throw invalid('logger', 'must have debug, info, warn and error methods');
  }
  return {
    apiKeys: options.apiKeys,
    maxBodyBytes: integer('limits.maxBodyBytes', options.limits?.maxBodyBytes, 1_048_576, 1),
    replayWindowMs: integer('streams.replayWindowMs', options.streams?.replayWindowMs, 60_000, 0),
    maxEventsPerStream: integer('streams.maxEventsPerStream', options.streams?.maxEventsPerStream, 10_000, 1),
    pingIntervalMs: integer('streams.pingIntervalMs', options.streams?.pingIntervalMs, 15_000, 1),
    maxConcurrentStreams: integer('limits.maxConcurrentStreams', options.limits?.maxConcurrentStreams, 1_000, 1),
    maxStreamDurationMs: integer('limits.maxStreamDurationMs', options.limits?.maxStreamDurationMs, 900_000, 1),
    maxRetainedStreams: integer('streams.maxRetainedStreams', options.streams?.maxRetainedStreams, 1_000, 0),
    shutdownTimeoutMs: integer('shutdownTimeoutMs', options.shutdownTimeoutMs, 30_000, 0),
    logger,
    metrics: resolveMetricsOptions(options.metrics),
    usage: resolveUsageOptions(options.usage),
  };
}

function checkApiKeys(apiKeys: unknown): void {
  if (typeof apiKeys === 'function') return;
  if (typeof apiKeys !== 'object' || apiKeys === null || Array.isArray(apiKeys)) {
    throw invalid('apiKeys', 'must be a map of key to { tenant } or a lookup function');
  }
  for (const [key, identity] of Object.entries(apiKeys)) {
    // Never put a key in an error message: messages end up in logs.
    if (key.length === 0) throw invalid('apiKeys', 'contains an empty key');
    const tenant = (identity as Partial<ApiKeyIdentity> | null)?.tenant;
    if (typeof tenant !== 'string' || tenant.length === 0) throw invalid('apiKeys', 'has an entry without a tenant (a non-empty string)');
  }
}
