// Cache hits against the bare stores they sit on: the memory cache's lookup against a bare
// lru-cache get of a precomputed key, and the Redis cache hit against a bare ioredis GET round trip.
// A whole runtime.invoke answered from memory is reported too, without a target: it adds the
// runtime's own work (input validation, ids, the event stream) to the lookup.
import { LRUCache } from 'lru-cache';
import { Redis } from 'ioredis';
import { cacheMiddleware, createMemoryKeyValueStore, createRuntime } from '@agentry/sdk';
import { createRedisKeyValueStore } from '@agentry/sdk/redis';
import { echoPack } from '@agentry/task-packs';
import { startRedisServer } from '../test/support/redis-server.ts';
import { figuresTable, measureInterleaved, type BenchSection } from './lib/measure.ts';

const call = { agent: 'echo', input: { text: 'a cached question about refunds' }, tenant: 'bench' };
// What the cache keys an entry by: tenant, agent id@version and the input (checked per lookup).
const target = { tenant: call.tenant, agent: call.agent, version: echoPack.version, input: call.input };

export async function runCacheHitBench(options: { iterations: number; warmup: number }): Promise<BenchSection[]> {
  const sections: BenchSection[] = [];

  const lru = new LRUCache<string, object>({ max: 1_000 });
  const precomputedKey = 'agentry:cache:bench:echo@1.0.0:5f0c0ffee';
  lru.set(precomputedKey, { output: { text: 'x' } });
  const memoryCache = cacheMiddleware({ store: createMemoryKeyValueStore() });
  const memory = createRuntime({ packs: [echoPack], middleware: [memoryCache] });
  await memory.invoke(call);
  if (!(await memoryCache.has(target))) throw new Error('cache-hit bench: the memory cache did not keep the entry');
  const peer = { name: 'bare lru-cache get', includes: 'get of a precomputed key', run: async () => lru.get(precomputedKey) };
  // Each case runs interleaved with the peer in its own pass: the whole invoke churns enough
  // memory to slow whatever runs right after it, which would charge the lookup for its garbage.
  // Sub-microsecond cases need more warm-up than whole calls before V8 has optimised them; both
  // cases get the same.
  const lookupOptions = { ...options, warmup: Math.max(options.warmup, 20_000) };
  const lookupFigures = await measureInterleaved(
    [
      peer,
      {
        name: 'agentry memory cache lookup',
        includes: 'cache.has(): the key of the input (a hot input\'s is remembered: structural hash + full equality check; else canonical JSON), namespace of tenant + agent@version, reads of the entry and the generation token, validity check',
        run: () => memoryCache.has(target),
      },
    ],
    lookupOptions,
  );
  const invokeFigures = await measureInterleaved(
    [
      peer,
      {
        name: 'agentry memory cache hit, whole runtime.invoke (no target)',
        includes: 'the lookup + input validation, invocation ids, replayed events, zero-cost usage, result',
        run: () => memory.invoke(call),
      },
    ],
    options,
  );
  const memoryRatio = lookupFigures[1]!.p50 / lookupFigures[0]!.p50;
  const invokeRatio = invokeFigures[1]!.p50 / invokeFigures[0]!.p50;
  sections.push({
    title: 'Memory cache hit',
    body: [figuresTable(lookupFigures, 'µs'), figuresTable(invokeFigures, 'µs')].join('\n\n'),
    verdicts: [
      `memory cache lookup p50 ratio to a bare lru-cache get: ${memoryRatio.toFixed(1)} (target <= 3) — ${memoryRatio <= 3 ? 'met' : 'missed'}`,
      `whole runtime.invoke answered from the memory cache: ratio ${invokeRatio.toFixed(1)} (reported, no target)`,
    ],
  });

  const redisServer = await startRedisServer();
  const bareRedis = new Redis(redisServer.url);
  await bareRedis.set('bench:key', JSON.stringify({ output: { text: 'x' } }));
  const store = await createRedisKeyValueStore({ redis: redisServer.url, keyPrefix: 'bench:' });
  const redisCache = cacheMiddleware({ store });
  const redisRuntime = createRuntime({ packs: [echoPack], middleware: [redisCache] });
  try {
    await redisRuntime.invoke(call);
    // The entry is written in the background: wait until a lookup finds it.
    for (let attempt = 0; !(await redisCache.has(target)); attempt++) {
      if (attempt > 100) throw new Error('cache-hit bench: the Redis cache did not keep the entry');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const redisPeer = {
      name: 'bare ioredis GET',
      includes: 'one GET round trip + JSON.parse',
      run: async () => JSON.parse((await bareRedis.get('bench:key'))!),
    };
    const redisFigures = await measureInterleaved(
      [
        redisPeer,
        {
          name: 'agentry Redis cache hit',
          includes: 'runtime.invoke with the cache on Redis: key (a hot input\'s is remembered: structural hash + full equality check; else canonical JSON + SHA-256), one MGET round trip (entry + generation token), replayed result',
          run: () => redisRuntime.invoke(call),
        },
      ],
      options,
    );
    const redisLookupFigures = await measureInterleaved(
      [
        redisPeer,
        {
          name: 'agentry Redis cache lookup (no target)',
          includes: 'cache.has(): the same key and MGET round trip, validity check, no runtime',
          run: () => redisCache.has(target),
        },
      ],
      options,
    );
    const redisRatio = redisFigures[1]!.p50 / redisFigures[0]!.p50;
    const lookupRatio = redisLookupFigures[1]!.p50 / redisLookupFigures[0]!.p50;
    sections.push({
      title: 'Redis cache hit (redis-server on loopback)',
      body: [figuresTable(redisFigures, 'µs'), figuresTable(redisLookupFigures, 'µs')].join('\n\n'),
      verdicts: [
        `Redis cache hit p50 ratio to a bare ioredis GET: ${redisRatio.toFixed(2)} (target <= 1.5) — ${redisRatio <= 1.5 ? 'met' : 'missed'}`,
        `Redis cache lookup without the runtime: ratio ${lookupRatio.toFixed(2)} (reported, no target)`,
      ],
    });
  } finally {
    bareRedis.disconnect();
    await store.close?.();
    await redisServer.stop();
  }
  return sections;
}
