import { AgentryError } from '../contract';
import type { TaskPack, TaskPackLogger } from '../core/task-pack';
import { silentLogger } from '../core/logger';
import type { Runtime, RuntimeOptions } from '../runtime';

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
  };
  streams?: {
    /** How long a finished stream's events stay available to `Last-Event-ID` resumes, in ms. @default 60000 */
    replayWindowMs?: number;
    /** Events kept per stream for resumes; the oldest are dropped past this. @default 10000 */
    maxEventsPerStream?: number;
    /** Interval of `: ping` comments on an idle stream, so proxies keep it open, in ms. @default 15000 */
    pingIntervalMs?: number;
  };
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
  shutdownTimeoutMs: number;
  logger: TaskPackLogger;
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
    shutdownTimeoutMs: integer('shutdownTimeoutMs', options.shutdownTimeoutMs, 30_000, 0),
    logger,
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

function integer(field: string, value: number | undefined, fallback: number, minimum: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < minimum) throw invalid(field, `must be an integer >= ${minimum}, got ${String(value)}`);
  return value;
}

function invalid(field: string, problem: string): AgentryError {
  return new AgentryError('AGENTRY_INVALID_OPTIONS', `createServer: \`${field}\` ${problem}`);
}
