// Stores: the same middleware on Redis instead of memory, so replicas share their state: a cache entry
// one replica wrote answers the other, budget spend is counted once across both, and every usage
// record lands in one ledger. Start Redis (`redis-server --port 6379`), then run
// `REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/middleware/stores.ts`.
import {
  budgetMiddleware,
  cacheMiddleware,
  createAppendLogUsageSink,
  createClient,
  createCostFunction,
  createPriceTable,
  isAgentryError,
  meterMiddleware,
  summarizeUsage,
  type UsageRecord,
} from '@agentry/sdk';
import { createRedisAppendLog, createRedisConnection, createRedisCounterStore, createRedisKeyValueStore } from '@agentry/sdk/redis';
import { builtinPacks } from '@agentry/task-packs';

const costOf = createCostFunction(createPriceTable({ providers: { local: { 'local-extractive-1': { input: 2.5, output: 10 } } } }));
const notes = [
  'The warehouse moved to the new site in June. Picking errors fell by a third. Shipping times stayed the same.',
  'Two carriers raised prices in July. The team renegotiated one contract. The other carrier was replaced.',
  'Returns peaked after the summer sale. Most were size exchanges. A fit guide was added to product pages.',
];

export async function run(log: (line: string) => void = console.log, redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'): Promise<void> {
  // One connection shared by every store; fails fast with AGENTRY_STORE_UNAVAILABLE if Redis is not there.
  const redis = await createRedisConnection(redisUrl);
  const keyPrefix = `example:${Date.now()}:`; // this run's own keys
  const ledger = await createRedisAppendLog({ redis, keyPrefix });
  // A replica: its own process in production; here, its own client and middleware over the shared Redis.
  async function replica() {
    const cache = cacheMiddleware({ store: await createRedisKeyValueStore({ redis, keyPrefix }) });
    const budget = budgetMiddleware({
      counters: await createRedisCounterStore({ redis, keyPrefix }),
      limits: { acme: { period: 'day', hardUsd: 0.0015 } },
      estimate: () => 0.001,
    });
    const meter = meterMiddleware({ sink: createAppendLogUsageSink({ log: ledger }) });
    return { cache, meter, client: createClient({ packs: builtinPacks, costOf, tenant: 'acme', middleware: [meter, budget, cache] }) };
  }
  const [one, two] = await Promise.all([replica(), replica()]);
  const summarize = async (name: string, client: typeof one.client, text: string) => {
    try {
      const { usage, cache } = await client.invoke('summarize', { text });
      log(`${name}: ok, cache hit=${cache.hit}, cost $${usage.costUsd.toFixed(6)}`);
    } catch (error) {
      if (!isAgentryError(error)) throw error;
      log(`${name}: refused ${error.code}: ${error.message}`);
    }
  };
  try {
    await summarize('replica one, note 1', one.client, notes[0]!);
    // Entries are written in the background once a run ends.
    while (one.cache.stats().admitted === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await summarize('replica two, note 1', two.client, notes[0]!);
    await summarize('replica two, note 2', two.client, notes[1]!);
    await summarize('replica one, note 3', one.client, notes[2]!);

    await Promise.all([one.meter.close(), two.meter.close()]);
    const records = (await ledger.read<UsageRecord>('usage')).map((entry) => entry.value);
    const { total } = summarizeUsage(records);
    log(`ledger: ${total.calls} calls from both replicas, ${total.cacheHits} cache hit, ${total.refused} refused, cost $${total.costUsd.toFixed(6)}`);
  } finally {
    await Promise.all([one.client.close(), two.client.close()]);
    await redis.quit();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
