import type { KeyValueStore } from '../key-value-store';
import { openRedisStore, type RedisStoreOptions } from './redis-connection';

/**
 * A {@link KeyValueStore} on Redis: values as JSON strings, expiry with `PX`, `setIfAbsent` with
 * `SET NX` (atomic across replicas), `getMany` with one `MGET`. Connects before returning, so a wrong URL fails here.
 *
 * @throws AgentryError `AGENTRY_STORE_UNAVAILABLE` when Redis cannot be reached at start; every
 *   operation rejects with it when Redis is lost later.
 * @example
 * const store = await createRedisKeyValueStore({ redis: 'redis://127.0.0.1:6379', keyPrefix: 'myapp:' });
 * await store.set('greeting', { text: 'hi' }, { ttlMs: 60_000 });
 */
export async function createRedisKeyValueStore(options: RedisStoreOptions): Promise<KeyValueStore> {
  const connection = await openRedisStore(options, 'createRedisKeyValueStore');
  const { client, key, run } = connection;

  return {
    async get<Value>(name: string) {
      const text = await run('get', name, () => client.get(key(name)));
      return text === null ? undefined : (JSON.parse(text) as Value);
    },
    async getMany(names) {
      if (names.length === 0) return [];
      const texts = await run('getMany', names[0]!, () => client.mget(names.map(key)));
      return texts.map((text) => (text === null ? undefined : (JSON.parse(text) as unknown)));
    },
    async set(name, value, setOptions) {
      const text = encode(value);
      const ttlMs = setOptions?.ttlMs;
      await run('set', name, () =>
        ttlMs === undefined ? client.set(key(name), text) : client.set(key(name), text, 'PX', milliseconds(ttlMs)),
      );
    },
    async setIfAbsent(name, value, setOptions) {
      const text = encode(value);
      const ttlMs = setOptions?.ttlMs;
      const reply = await run('setIfAbsent', name, () =>
        ttlMs === undefined ? client.set(key(name), text, 'NX') : client.set(key(name), text, 'PX', milliseconds(ttlMs), 'NX'),
      );
      return reply === 'OK';
    },
    async delete(name) {
      await run('delete', name, () => client.del(key(name)));
    },
    close: () => connection.close(),
  };
}

function encode(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/** `PX` takes a positive integer; round up so a tiny TTL still expires rather than erroring. */
function milliseconds(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}
