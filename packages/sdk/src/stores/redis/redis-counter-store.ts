import { assertCounterArguments } from '../counter-arguments';
import type { CounterStore } from '../counter-store';
import { openRedisStore, type RedisStoreOptions } from './redis-connection';
import { createRedisScript } from './redis-script';

// KEYS[1] counter; ARGV[1] delta; ARGV[2] ttl in ms or ''. The TTL is set only on creation, so
// later increments never extend a budget period.
const increment = createRedisScript(`
local created = redis.call('EXISTS', KEYS[1]) == 0
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if created and ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value
`);

// KEYS[1] counter; ARGV[1] delta; ARGV[2] limit; ARGV[3] ttl in ms or ''. Read, check and add in
// one script: Redis runs scripts one at a time, so two callers can never both pass the limit.
const incrementIfWithin = createRedisScript(`
local raw = redis.call('GET', KEYS[1])
local current = tonumber(raw or '0')
if current + tonumber(ARGV[1]) > tonumber(ARGV[2]) then return {0, current} end
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if not raw and ARGV[3] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return {1, value}
`);

/**
 * A {@link CounterStore} on Redis: `INCRBY` in Lua scripts, so increments and the limit check are
 * atomic across every replica sharing the database.
 *
 * @throws AgentryError `AGENTRY_STORE_UNAVAILABLE` when Redis cannot be reached at start; every
 *   operation rejects with it when Redis is lost later (budgets decide whether to fail closed).
 * @example
 * const counters = await createRedisCounterStore({ redis: 'redis://127.0.0.1:6379' });
 * const { applied } = await counters.incrementIfWithin('budget:acme:2025-06', 1_500, 10_000_000, { ttlMs: 31 * 86_400_000 });
 */
export async function createRedisCounterStore(options: RedisStoreOptions): Promise<CounterStore> {
  const connection = await openRedisStore(options, 'createRedisCounterStore');
  const { client, key, run } = connection;

  return {
    async get(name) {
      const text = await run('get', name, () => client.get(key(name)));
      return text === null ? 0 : Number(text);
    },
    async increment(name, delta, incrementOptions) {
      assertCounterArguments('increment', name, delta, undefined, incrementOptions?.ttlMs);
      const ttl = ttlArgument(incrementOptions?.ttlMs);
      return Number(await run('increment', name, () => increment.run(client, [key(name)], [delta, ttl])));
    },
    async incrementIfWithin(name, delta, limit, incrementOptions) {
      assertCounterArguments('incrementIfWithin', name, delta, limit, incrementOptions?.ttlMs);
      const ttl = ttlArgument(incrementOptions?.ttlMs);
      const reply = await run('incrementIfWithin', name, () => incrementIfWithin.run(client, [key(name)], [delta, String(limit), ttl]));
      const [applied, value] = reply as [number, number];
      return { applied: Number(applied) === 1, value: Number(value) };
    },
    close: () => connection.close(),
  };
}

function ttlArgument(ttlMs: number | undefined): string {
  return ttlMs === undefined ? '' : String(Math.max(1, Math.ceil(ttlMs)));
}
