import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../../../../test/support/redis-server';
import { createRedisKeyValueStore } from '../../stores/redis';
import { createCacheEntries } from './cache-entries';
import type { CacheEntry } from './cache-entry';
import { cacheMiddleware } from './cache-middleware';
import { resolveCacheOptions } from './cache-options';
import { emptyCacheStats } from './cache-stats';
import { createPacks, runtimeWith, scoring, shapes, streamEvents } from './cache-test-kit';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(() => server?.stop());

/** Two replicas: each its own runtime, cache middleware and Redis connection, one shared Redis. */
async function replicas(keyPrefix: string) {
  const kit = createPacks();
  const make = async () => {
    const store = await createRedisKeyValueStore({ redis: server.url, keyPrefix, commandTimeoutMs: 300 });
    const cache = cacheMiddleware({ store, ttlMs: 60_000 });
    return { store, cache, runtime: runtimeWith(kit.packs, [cache, scoring()]) };
  };
  return { kit, one: await make(), two: await make() };
}

describe('cacheMiddleware on Redis', () => {
  it('answers a replica from the entry another replica wrote, streams included, and invalidates across them', async () => {
    const { kit, one, two } = await replicas('cache-shared:');
    try {
      const call = { agent: 'writer', input: { text: 'shared across replicas' }, tenant: 'acme' };
      const live = await streamEvents(one.runtime, call);
      // The entry is written in the background once the run ends; the replica sees it after that.
      await until(() => one.cache.stats().admitted === 1);
      const replay = await streamEvents(two.runtime, call);
      expect(kit.runs.writer).toBe(1);
      expect(shapes(replay)).toEqual(shapes(live));
      const last = replay.at(-1);
      expect(last?.type === 'result' && last.result.cache).toEqual({ hit: true, savedCostUsd: 0.02 });

      await one.cache.invalidateAgent('writer');
      expect((await two.runtime.invoke(call)).cache.hit).toBe(false);
      expect(kit.runs.writer).toBe(2);
    } finally {
      await Promise.all([one.store.close?.(), two.store.close?.()]);
    }
  });

  it('answers a steady hit with one Redis round trip: a single MGET of the entry and its generation token', async () => {
    const { Redis } = await import('ioredis');
    const admin = new Redis(server.url);
    const kit = createPacks();
    const store = await createRedisKeyValueStore({ redis: server.url, keyPrefix: 'cache-trips:' });
    const cache = cacheMiddleware({ store, ttlMs: 60_000, maxTtlMs: 60_000 }); // no lifetime growth: hits write nothing
    const runtime = runtimeWith(kit.packs, [cache, scoring()]);
    const call = { agent: 'echo', input: { text: 'one trip' }, tenant: 'acme' };
    const target = { ...call, version: '1.1.0' }; // the latest echo, which runs when no version is pinned
    try {
      await runtime.invoke(call);
      await until(() => cache.stats().admitted === 1);
      expect(await cache.has(target)).toBe(true);
      await admin.config('RESETSTAT');
      for (let index = 0; index < 5; index++) expect((await runtime.invoke(call)).cache.hit).toBe(true);
      const commands = (await admin.info('commandstats'))
        .split('\n')
        .filter((line) => line.startsWith('cmdstat_') && !line.startsWith('cmdstat_info') && !line.startsWith('cmdstat_config'))
        .map((line) => line.slice('cmdstat_'.length, line.indexOf(',')));
      expect(commands).toEqual(['mget:calls=5']);
    } finally {
      admin.disconnect();
      await store.close?.();
    }
  });

  it('never serves one tenant the entry of another when a caller reuses and changes one target object', async () => {
    const kit = createPacks();
    const store = await createRedisKeyValueStore({ redis: server.url, keyPrefix: 'cache-reuse:' });
    const cache = cacheMiddleware({ store, ttlMs: 60_000 });
    const runtime = runtimeWith(kit.packs, [cache, scoring()]);
    try {
      await runtime.invoke({ agent: 'echo', input: { text: 'secret' }, tenant: 'acme' });
      await until(() => cache.stats().admitted === 1);
      // One object, changed while its lookup is on the wire: the key was made for acme.
      const target = { tenant: 'acme', agent: 'echo', version: '1.1.0', input: { text: 'secret' } };
      const asked = cache.has(target);
      target.tenant = 'globex';
      expect(await asked).toBe(true);
      expect(await cache.has({ ...target })).toBe(false);
      const globex = await runtime.invoke({ agent: 'echo', input: { text: 'secret' }, tenant: 'globex' });
      expect(globex.cache.hit).toBe(false);
      expect(kit.runs.echo).toBe(2);
    } finally {
      await store.close?.();
    }
  });

  it('never brings back, by growing its lifetime, an entry another replica evicted or replaced after this one read it', async () => {
    const store = await createRedisKeyValueStore({ redis: server.url, keyPrefix: 'cache-extend:' });
    const entries = createCacheEntries(resolveCacheOptions({ store, ttlMs: 1_000, maxTtlMs: 60_000 }), emptyCacheStats());
    const read: CacheEntry = { v: 1, run: '{"events":[],"result":{}}', generations: { agent: 'g1', tags: {} }, ttlMs: 1_000 };
    try {
      await store.set('evicted', read, { ttlMs: 1_000 });
      await store.delete('evicted'); // another replica's eviction, between this replica's read and its growth
      entries.extend('evicted', read);
      await store.set('refreshed', read, { ttlMs: 1_000 });
      const fresher = { ...read, run: '{"events":[],"result":{"fresh":true}}' };
      await store.set('refreshed', fresher, { ttlMs: 1_000 }); // another replica's refresh
      entries.extend('refreshed', read);
      await store.set('kept', read, { ttlMs: 1_000 });
      entries.extend('kept', read);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await store.get('evicted')).toBeUndefined();
      expect(await store.get('refreshed')).toEqual(fresher);
      expect(await store.get('kept')).toEqual({ ...read, ttlMs: 2_000 });
    } finally {
      await store.close?.();
    }
  });

  it('keeps answering when Redis is lost mid-run: misses, counted as degraded lookups', async () => {
    const doomed = await startRedisServer();
    const kit = createPacks();
    const store = await createRedisKeyValueStore({ redis: doomed.url, commandTimeoutMs: 300 });
    const cache = cacheMiddleware({ store });
    const runtime = runtimeWith(kit.packs, [cache, scoring()]);
    const call = { agent: 'echo', input: { text: 'still here' }, tenant: 'acme' };
    try {
      await runtime.invoke(call);
      await until(() => cache.stats().admitted === 1);
      expect((await runtime.invoke(call)).cache.hit).toBe(true);
      await doomed.stop();
      const during = await runtime.invoke(call);
      expect(during.cache.hit).toBe(false);
      expect(during.output).toMatchObject({ text: 'still here' });
      expect(cache.stats().degradedLookups).toBeGreaterThanOrEqual(1);
    } finally {
      await store.close?.();
      await doomed.stop();
    }
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; !condition(); attempt++) {
    if (attempt > 200) throw new Error('condition not met within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
