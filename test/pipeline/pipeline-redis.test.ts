// The full chain on Redis stores, the way a multi-replica deployment runs it: two servers, each
// with its own connection and middleware, sharing one real redis-server (cache entries, budget
// counters, the usage ledger and the audit log), and what happens when that Redis goes away.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createAppendLogUsageSink,
  createAuditTrail,
  createClient,
  type AgentryClient,
  type AgentryError,
  type AppendLog,
  type BudgetLimits,
  type UsageRecord,
} from '@agentry/sdk';
import { createRedisAppendLog, createRedisConnection, createRedisCounterStore, createRedisKeyValueStore } from '@agentry/sdk/redis';
import { createServer } from '@agentry/sdk/server';
import { startRedisServer, type RedisServer } from '../support/redis-server';
import {
  collectStream,
  createPipeline,
  createPricedCostFunction,
  createScribePack,
  eventShape,
  resultOf,
  until,
  type Pipeline,
} from '../support/pipeline-kit';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

const text = 'Replicas share one Redis. A cache entry written by one answers the other. Budgets hold across both.';
const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliett', 'kilo', 'lima', 'mike', 'november'];
/** Distinct inputs of similar cost: a cache hit costs nothing and would never spend a budget. */
const variant = (index: number) => ({ text: `${text} Request ${words[index % words.length]} ${words[Math.floor(index / words.length)]}.` });

interface Replica {
  readonly name: string;
  readonly pipeline: Pipeline;
  /** One client per API key of the server. */
  readonly clients: Record<string, AgentryClient>;
  readonly seen: readonly string[];
}

interface ReplicaOptions {
  /** Redis URL. @default the suite's redis-server */
  url?: string;
  /** Keys of every store of this test, so tests never see each other's data. */
  keyPrefix: string;
  limits?: BudgetLimits;
  onAuditError?: 'fail' | 'ignore';
  /** API key to tenant. @default { 'key-acme': 'acme' } */
  tenants?: Record<string, string>;
}

/** One replica: its own Redis connection, stores, middleware, server and HTTP clients. */
async function startReplica(name: string, options: ReplicaOptions): Promise<Replica> {
  const connection = await createRedisConnection(options.url ?? redis.url, { commandTimeoutMs: 300, connectTimeoutMs: 1_000 });
  cleanups.push(async () => connection.disconnect());
  const shared = { redis: connection, keyPrefix: options.keyPrefix };
  const log = await createRedisAppendLog(shared);
  const pipeline = createPipeline({
    stores: {
      cache: await createRedisKeyValueStore(shared),
      counters: await createRedisCounterStore(shared),
      usage: createAppendLogUsageSink({ log }),
      auditLog: log,
      // A hash chain has one writer: each replica appends to its own.
      auditName: `audit:${name}`,
    },
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.onAuditError === undefined ? {} : { onAuditError: options.onAuditError }),
  });
  cleanups.push(() => pipeline.meter.close({ timeoutMs: 500 }));
  const tenants = options.tenants ?? { 'key-acme': 'acme' };
  const scribe = createScribePack();
  const server = createServer({
    packs: [scribe.pack],
    middleware: pipeline.middleware,
    costOf: createPricedCostFunction(),
    apiKeys: Object.fromEntries(Object.entries(tenants).map(([key, tenant]) => [key, { tenant }])),
  });
  const { url } = await server.listen({ port: 0 });
  cleanups.push(() => server.close({ timeoutMs: 2_000 }));
  const clients = Object.fromEntries(Object.keys(tenants).map((apiKey) => [apiKey, createClient({ baseUrl: url, apiKey, retry: { limit: 0 } })]));
  for (const client of Object.values(clients)) cleanups.push(() => client.close());
  return { name, pipeline, clients, seen: scribe.seen };
}

/** A reader of the shared Redis, separate from every replica. */
async function openLedger(keyPrefix: string): Promise<AppendLog> {
  const log = await createRedisAppendLog({ redis: redis.url, keyPrefix });
  cleanups.push(async () => log.close?.());
  return log;
}

async function usageLedger(keyPrefix: string, replicas: readonly Replica[]): Promise<UsageRecord[]> {
  await Promise.all(replicas.map((replica) => replica.pipeline.meter.flush()));
  const entries = await (await openLedger(keyPrefix)).read<UsageRecord>('usage');
  return entries.map((entry) => entry.value);
}

describe('the full pipeline on Redis, two servers sharing one redis-server', () => {
  it('answers on one server from the cache entry the other wrote, for invoke and stream, metered on the shared ledger', async () => {
    const keyPrefix = 'pipeline-cache:';
    const [a, b] = [await startReplica('a', { keyPrefix }), await startReplica('b', { keyPrefix })];
    const first = await a.clients['key-acme']!.invoke('scribe', { text });
    await until(() => a.pipeline.cache.stats().admitted === 1);
    const second = await b.clients['key-acme']!.invoke('scribe', { text });

    expect(first.cache.hit).toBe(false);
    expect(second.cache).toEqual({ hit: true, savedCostUsd: first.usage.costUsd });
    expect(second.usage.costUsd).toBe(0);
    expect(second.output).toEqual(first.output);
    expect(b.seen).toHaveLength(0);

    const streamed = { text: `${text} Streamed.` };
    const live = await collectStream(b.clients['key-acme']!.stream('scribe', streamed));
    await until(() => b.pipeline.cache.stats().admitted === 1);
    const replay = await collectStream(a.clients['key-acme']!.stream('scribe', streamed));
    expect(replay.map(eventShape)).toEqual(live.map(eventShape));
    expect(resultOf(replay).cache).toEqual({ hit: true, savedCostUsd: resultOf(live).usage.costUsd });
    expect(a.seen).toHaveLength(1);
    expect(b.seen).toHaveLength(1);

    const ledger = await usageLedger(keyPrefix, [a, b]);
    expect(ledger.map((record) => [record.mode, record.cacheHit])).toEqual(
      expect.arrayContaining([
        ['invoke', false],
        ['invoke', true],
        ['stream', false],
        ['stream', true],
      ]),
    );
    expect(ledger).toHaveLength(4);
    expect(ledger.filter((record) => record.cacheHit).every((record) => record.costUsd === 0 && record.savedCostUsd! > 0)).toBe(true);
  });

  it('shares one budget: a burst across both servers never overspends it, and what one spent the other cannot', async () => {
    const keyPrefix = 'pipeline-budget:';
    const hardUsd = 0.05;
    const limits = { acme: { period: 'day' as const, hardUsd } };
    const [a, b] = [await startReplica('a', { keyPrefix, limits }), await startReplica('b', { keyPrefix, limits })];
    const clients = [a.clients['key-acme']!, b.clients['key-acme']!];

    // Each call reserves 0.02 up front and costs about 0.007: only two fit at once, and a handful in all.
    const burst = await Promise.allSettled(Array.from({ length: 12 }, (_, index) => clients[index % 2]!.invoke('scribe', variant(index))));
    const refused = burst.filter((outcome) => outcome.status === 'rejected').map((outcome) => (outcome as PromiseRejectedResult).reason as AgentryError);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((error) => error.code === 'AGENTRY_BUDGET_EXCEEDED')).toBe(true);
    expect(burst.some((outcome) => outcome.status === 'fulfilled')).toBe(true);

    // Spend the rest through server a alone; then b, which spent nothing of it since, is refused too.
    let lastOnA: AgentryError | undefined;
    for (let index = 12; index < 40 && lastOnA === undefined; index++) {
      await clients[0]!.invoke('scribe', variant(index)).catch((error: AgentryError) => (lastOnA = error));
    }
    expect(lastOnA).toMatchObject({ code: 'AGENTRY_BUDGET_EXCEEDED' });
    await expect(clients[1]!.invoke('scribe', variant(41))).rejects.toMatchObject({ code: 'AGENTRY_BUDGET_EXCEEDED', status: 402 });

    const ledger = await usageLedger(keyPrefix, [a, b]);
    const spent = ledger.filter((record) => record.outcome === 'success').reduce((sum, record) => sum + record.costUsd, 0);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(hardUsd);
    expect(ledger.filter((record) => record.outcome === 'refused').length).toBe(refused.length + 2);
    expect(new Set(ledger.filter((record) => record.outcome === 'success').map((record) => record.tenant))).toEqual(new Set(['acme']));
  });

  it('keeps one verifiable hash chain per server in the shared Redis audit log', async () => {
    const keyPrefix = 'pipeline-audit:';
    const [a, b] = [await startReplica('a', { keyPrefix }), await startReplica('b', { keyPrefix })];
    const [clientA, clientB] = [a.clients['key-acme']!, b.clients['key-acme']!];
    await Promise.all([
      clientA.invoke('scribe', { text: 'Write to jane.doe@example.com about the audit. It is chained by hash.' }),
      clientB.invoke('scribe', variant(1)),
      clientA.invoke('scribe', variant(2)),
      clientB.stream('scribe', variant(3)).result(),
    ]);

    // Read back through a trail of its own: what is in Redis verifies, not what a replica remembers.
    const log = await openLedger(keyPrefix);
    for (const name of ['a', 'b']) {
      const trail = createAuditTrail({ log, name: `audit:${name}` });
      const verdict = await trail.verify();
      expect(verdict).toMatchObject({ ok: true, entries: 2 });
      const entries = await trail.entries();
      expect(entries.every((entry) => entry.decision === 'allow' && entry.outcome === 'succeeded')).toBe(true);
      expect(JSON.stringify(entries)).not.toContain('jane.doe@example.com');
    }
    expect(await a.pipeline.audit.verify()).toMatchObject({ ok: true, entries: 2 });
  });

  it('when Redis is lost mid-run, answers with the cache degraded to a miss and refuses budgeted calls with AGENTRY_UNAVAILABLE', async () => {
    const doomed = await startRedisServer();
    cleanups.push(() => doomed.stop());
    // Only `metered` has a budget; `open` has none, so no counter is needed to serve it. The audit
    // log is on the same Redis: `onAuditError: 'ignore'` is the configured choice to keep serving.
    const replica = await startReplica('solo', {
      url: doomed.url,
      keyPrefix: 'pipeline-lost:',
      limits: { metered: { period: 'day', hardUsd: 10 } },
      onAuditError: 'ignore',
      tenants: { 'key-metered': 'metered', 'key-open': 'open' },
    });
    const [metered, open] = [replica.clients['key-metered']!, replica.clients['key-open']!];
    const first = await open.invoke('scribe', { text });
    await until(() => replica.pipeline.cache.stats().admitted === 1);
    expect((await open.invoke('scribe', { text })).cache.hit).toBe(true);
    expect((await metered.invoke('scribe', variant(0))).cache.hit).toBe(false);
    await replica.pipeline.meter.flush();
    const delivered = replica.pipeline.meter.stats().delivered;

    await doomed.stop();

    const during = await open.invoke('scribe', { text });
    expect(during.cache.hit).toBe(false);
    expect(during.output).toEqual(first.output);
    expect(during.evals.every((score) => score.pass)).toBe(true);
    expect(replica.pipeline.cache.stats().degradedLookups).toBeGreaterThanOrEqual(1);
    const streamed = await collectStream(open.stream('scribe', variant(5)));
    expect(resultOf(streamed).cache.hit).toBe(false);

    await expect(metered.invoke('scribe', variant(1))).rejects.toMatchObject({
      code: 'AGENTRY_UNAVAILABLE',
      status: 503,
      message: expect.stringContaining('budget counters of tenant metered are unavailable'),
    });
    await expect(metered.stream('scribe', variant(2)).result()).rejects.toMatchObject({ code: 'AGENTRY_UNAVAILABLE' });
    expect(replica.pipeline.budget.stats().storeFailures).toBeGreaterThanOrEqual(2);

    // The ledger is down too: records wait in the meter's buffer (or are counted), never silently lost.
    await replica.pipeline.meter.flush();
    const stats = replica.pipeline.meter.stats();
    expect(stats.delivered).toBe(delivered);
    expect(stats.buffered + stats.failed + stats.dropped).toBe(stats.recorded - delivered);
    expect(stats.recorded - delivered).toBe(4);
  });
});
