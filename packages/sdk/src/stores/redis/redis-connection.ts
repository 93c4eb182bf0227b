import { Redis, type RedisOptions } from 'ioredis';
import { settleWithin } from '../../core/settle-within';
import { AgentryError } from '../../contract';
import { createCommandDeadlines } from './command-deadlines';
import { toRedisStoreError } from './redis-store-error';

/** How a connection Agentry opens itself behaves; see {@link createRedisConnection}. */
export interface RedisConnectionOptions {
  /** Milliseconds to wait for Redis at start and on each reconnect attempt. @default 2000 */
  connectTimeoutMs?: number;
  /**
   * Milliseconds a command may take before it fails with AGENTRY_STORE_UNAVAILABLE. A store's own
   * connection checks this with one timer for all its commands, so a late command fails within
   * 1.25 x this. @default 1000
   */
  commandTimeoutMs?: number;
  /** Further ioredis options (tls, username, db, ...). The fail-fast settings above take precedence. @default {} */
  redisOptions?: RedisOptions;
}

/** Options shared by every Redis store factory. */
export interface RedisStoreOptions extends RedisConnectionOptions {
  /**
   * A `redis://` / `rediss://` URL, or an ioredis client. A URL opens a fail-fast connection the
   * store owns and closes; a client is shared and left open by `close()` (its owner closes it,
   * and its own timeout settings apply: make it with {@link createRedisConnection} to fail fast).
   */
  redis: Redis | string;
  /** Prefix of every key the store writes, so several apps can share one database. @default 'agentry:' */
  keyPrefix?: string;
}

/**
 * Opens an ioredis connection tuned to fail fast: commands issued while Redis is unreachable
 * reject at once instead of queueing (`enableOfflineQueue: false`), commands in flight when the
 * socket drops reject instead of waiting for a reconnect (`maxRetriesPerRequest: 0`), and a
 * command Redis does not answer in time rejects (`commandTimeout`). It keeps reconnecting in the
 * background, so calls succeed again once Redis is back. Share one connection among stores.
 *
 * @throws AgentryError `AGENTRY_STORE_UNAVAILABLE` when Redis does not answer within `connectTimeoutMs`.
 * @example
 * const redis = await createRedisConnection(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
 * const cacheStore = await createRedisKeyValueStore({ redis });
 */
export function createRedisConnection(url: string, options: RedisConnectionOptions = {}): Promise<Redis> {
  return connectOwned(url, options, 'createRedisConnection');
}

/**
 * Opens a fail-fast connection. `commandTimeouts: 'caller'` leaves the command deadline to whoever
 * runs the commands (a store, with one timer for all of them) instead of a timer per command.
 */
async function connectOwned(url: string, options: RedisConnectionOptions, kind: string, commandTimeouts: 'client' | 'caller' = 'client'): Promise<Redis> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 2_000;
  const client = new Redis(url, {
    ...options.redisOptions,
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    commandTimeout: commandTimeouts === 'client' ? (options.commandTimeoutMs ?? 1_000) : undefined,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
  // Without a listener ioredis prints every reconnect failure; commands report failures themselves.
  client.on('error', () => {});
  try {
    await verifyReachable(client, connectTimeoutMs, kind);
  } catch (error) {
    // Stop the background reconnect loop: nobody will ever use this client.
    client.disconnect();
    throw error;
  }
  return client;
}

/** A store's view of its connection: prefixed keys and commands whose failures are coded. */
export interface RedisStoreConnection {
  readonly client: Redis;
  key(key: string): string;
  /** Runs a command; a failure becomes an AgentryError naming `operation` and `key`. */
  run<T>(operation: string, key: string, command: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Connects a store: opens (and owns) a connection for a URL, or checks that a given client answers. */
export async function openRedisStore(options: RedisStoreOptions, kind: string): Promise<RedisStoreConnection> {
  // Duck-typed rather than instanceof: a client from another copy of ioredis is just as good.
  const redis = options?.redis as unknown;
  if (typeof redis !== 'string' && (typeof redis !== 'object' || redis === null || typeof (redis as Redis).evalsha !== 'function')) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `${kind}: \`redis\` must be a redis:// URL or an ioredis client`);
  }
  const owned = typeof options.redis === 'string';
  // A connection the store owns enforces command deadlines itself: ioredis's `commandTimeout`
  // arms and clears a timer per command, about a quarter of the client-side cost of a cache hit.
  const client = typeof options.redis === 'string' ? await connectOwned(options.redis, options, kind, 'caller') : options.redis;
  if (!owned) await verifyReachable(client, options.connectTimeoutMs ?? 2_000, kind);
  const deadlines = owned ? createCommandDeadlines(options.commandTimeoutMs ?? 1_000) : undefined;
  const prefix = options.keyPrefix ?? 'agentry:';
  return {
    client,
    key: (key) => prefix + key,
    run(operation, key, command) {
      try {
        const sent = command();
        if (deadlines !== undefined) return deadlines.watch(sent, (error) => toRedisStoreError(operation, prefix + key, error));
        return sent.catch((error: unknown) => {
          throw toRedisStoreError(operation, prefix + key, error);
        });
      } catch (error) {
        return Promise.reject(toRedisStoreError(operation, prefix + key, error));
      }
    },
    async close() {
      if (!owned) return;
      deadlines?.close();
      // quit() waits for replies in flight: it fails at once when Redis is gone, but a frozen
      // Redis never answers, and a shutdown must not hang on it. The socket is cut either way.
      await settleWithin(client.quit().catch(() => undefined), options.commandTimeoutMs ?? 1_000);
      client.disconnect();
    },
  };
}

async function verifyReachable(client: Redis, timeoutMs: number, kind: string): Promise<void> {
  let lastError: unknown;
  const onError = (error: unknown): void => {
    lastError = error;
  };
  client.on('error', onError);
  let timer: NodeJS.Timeout | undefined;
  const attempt = (async () => {
    if (client.status === 'wait') await client.connect();
    await client.ping();
  })();
  attempt.catch(() => {});
  try {
    await Promise.race([
      attempt,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    const { host, port, path } = client.options ?? {};
    const where = path ? path : `${host ?? '127.0.0.1'}:${port ?? 6379}`;
    const reason = lastError instanceof Error ? lastError.message : error instanceof Error ? error.message : String(error);
    throw new AgentryError('AGENTRY_STORE_UNAVAILABLE', `${kind}: cannot reach Redis at ${where} (${reason})`, { cause: lastError ?? error });
  } finally {
    clearTimeout(timer);
    client.off('error', onError);
  }
}
