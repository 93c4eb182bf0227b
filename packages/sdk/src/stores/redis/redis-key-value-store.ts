import type { KeyValueStore } from '../key-value-store';
import { openRedisStore, type RedisStoreOptions } from './redis-connection';
import { createRedisScript } from './redis-script';

// KEYS[1] key; ARGV[1] expected JSON, ARGV[2] new JSON, ARGV[3] PX milliseconds or ''. One
// script, so nothing can delete or replace the value between the comparison and the write.
const replaceIfUnchanged = createRedisScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[3] == '' then redis.call('SET', KEYS[1], ARGV[2]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1
`);

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
    async replace(name, expected, value, setOptions) {
      const ttlMs = setOptions?.ttlMs;
      // Values were written as JSON.stringify made them, so the expected value encodes to the same text.
      const reply = await run('replace', name, () =>
        replaceIfUnchanged.run(client, [key(name)], [encode(expected), encode(value), ttlMs === undefined ? '' : milliseconds(ttlMs)]),
      );
      return Number(reply) === 1;
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
