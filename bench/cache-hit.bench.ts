// Cache hits against the bare stores they sit on: the memory cache against a bare lru-cache get
// of a precomputed key, and the Redis cache against a bare ioredis GET round trip.
import { LRUCache } from 'lru-cache';
import { Redis } from 'ioredis';
import { cacheMiddleware, createMemoryKeyValueStore, createRuntime } from '@agentry/sdk';
import { createRedisKeyValueStore } from '@agentry/sdk/redis';
import { echoPack } from '@agentry/task-packs';
import { startRedisServer } from '../test/support/redis-server';
import { figuresTable, measureInterleaved, type BenchSection } from './lib/measure';

const call = { agent: 'echo', input: { text: 'a cached question about refunds' }, tenant: 'bench' };

export async function runCacheHitBench(options: { iterations: number; warmup: number }): Promise<BenchSection[]> {
  const sections: BenchSection[] = [];

  const lru = new LRUCache<string, object>({ max: 1_000 });
  const precomputedKey = 'agentry:cache:bench:echo@1.0.0:5f0c0ffee';
  lru.set(precomputedKey, { output: { text: 'x' } });
  const memory = createRuntime({ packs: [echoPack], middleware: [cacheMiddleware({ store: createMemoryKeyValueStore() })] });
  await memory.invoke(call);
  const memoryFigures = await measureInterleaved(
    [
      { name: 'bare lru-cache get', includes: 'get of a precomputed key', run: async () => lru.get(precomputedKey) },
      { name: 'agentry memory cache hit', includes: 'runtime.invoke: input validation, canonical JSON + sha256 key, lookup, replayed result', run: () => memory.invoke(call) },
    ],
    options,
  );
  const memoryRatio = memoryFigures[1]!.p50 / memoryFigures[0]!.p50;
  sections.push({
    title: 'Memory cache hit',
    body: figuresTable(memoryFigures, 'µs'),
    verdicts: [`memory cache hit p50 ratio to a bare lru-cache get: ${memoryRatio.toFixed(1)} (target <= 3) — ${memoryRatio <= 3 ? 'met' : 'missed'}`],
  });

  const redisServer = await startRedisServer();
  const bareRedis = new Redis(redisServer.url);
  await bareRedis.set('bench:key', JSON.stringify({ output: { text: 'x' } }));
  const store = await createRedisKeyValueStore({ redis: redisServer.url, keyPrefix: 'bench:' });
  const redisRuntime = createRuntime({ packs: [echoPack], middleware: [cacheMiddleware({ store })] });
  try {
    await redisRuntime.invoke(call);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the entry is written in the background
    const redisFigures = await measureInterleaved(
      [
        { name: 'bare ioredis GET', includes: 'one GET round trip + JSON.parse', run: async () => JSON.parse((await bareRedis.get('bench:key'))!) },
        { name: 'agentry Redis cache hit', includes: 'runtime.invoke with the cache on Redis', run: () => redisRuntime.invoke(call) },
      ],
      options,
    );
    const redisRatio = redisFigures[1]!.p50 / redisFigures[0]!.p50;
    sections.push({
      title: 'Redis cache hit (redis-server on loopback)',
      body: figuresTable(redisFigures, 'µs'),
      verdicts: [`Redis cache hit p50 ratio to a bare ioredis GET: ${redisRatio.toFixed(2)} (target <= 1.5) — ${redisRatio <= 1.5 ? 'met' : 'missed'}`],
    });
  } finally {
    bareRedis.disconnect();
    await store.close?.();
    await redisServer.stop();
  }
  return sections;
}
