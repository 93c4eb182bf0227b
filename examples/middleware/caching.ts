// The adaptive cache: the second identical call is answered from the cache at zero model cost and
// reports the cost it saved; concurrent identical calls run the agent once (single-flight); a
// cached stream replays as a stream. Run with `npx tsx examples/middleware/caching.ts`.
import { cacheMiddleware, createClient, createCostFunction, createLocalModel, createMemoryKeyValueStore, createPriceTable } from '@agentry/sdk';
import { builtinPacks } from '@agentry/task-packs';

// The local model is free; price it like gpt-4o so the savings show.
const costOf = createCostFunction(createPriceTable({ providers: { local: { 'local-extractive-1': { input: 2.5, output: 10 } } } }));

const article = `Support tickets about late deliveries doubled in March. Most came from the northern region,
where a carrier changed its schedule. Refund requests followed the same curve. The team added a
delivery tracker to the order page. Tickets fell back to normal within two weeks.`;

export async function run(log: (line: string) => void = console.log): Promise<void> {
  const cache = cacheMiddleware({ store: createMemoryKeyValueStore(), ttlMs: 60_000, maxTtlMs: 3_600_000 });
  const client = createClient({
    packs: builtinPacks,
    // A few ms per token, so concurrent calls really overlap.
    model: createLocalModel({ tokenDelayMs: 2 }),
    costOf,
    tenant: 'acme',
    middleware: [cache],
  });
  try {
    log('1. the same call twice');
    const first = await client.invoke('summarize', { text: article });
    log(`   first:  hit=${first.cache.hit} cost=$${first.usage.costUsd.toFixed(6)} tokens=${first.usage.outputTokens}`);
    const second = await client.invoke('summarize', { text: article });
    log(`   second: hit=${second.cache.hit} cost=$${second.usage.costUsd.toFixed(6)} saved=$${second.cache.savedCostUsd?.toFixed(6)}`);
    log(`   same output: ${JSON.stringify(second.output) === JSON.stringify(first.output)}`);

    log('2. a cached answer replayed as a stream');
    const stream = client.stream('summarize', { text: article });
    let deltas = 0;
    for await (const event of stream) if (event.type === 'text-delta') deltas++;
    const replayed = await stream.result();
    log(`   ${deltas} text-delta events, hit=${replayed.cache.hit}`);

    log('3. five identical calls at once (single-flight)');
    const text = `${article} A follow-up survey is planned.`;
    const results = await Promise.all(Array.from({ length: 5 }, () => client.invoke('summarize', { text })));
    const paid = results.filter((result) => result.usage.costUsd > 0).length;
    log(`   model runs: ${paid}, answered as hits: ${results.filter((result) => result.cache.hit).length}`);

    log('4. per-call control');
    const fresh = await client.invoke('summarize', { text: article }, { cache: { refresh: true } });
    log(`   refresh: hit=${fresh.cache.hit} (ran again and replaced the entry)`);
    const bypassed = await client.invoke('summarize', { text: article }, { cache: { bypass: true } });
    log(`   bypass:  hit=${bypassed.cache.hit} (neither read nor written)`);

    const stats = cache.stats();
    log(`stats: hits=${stats.hits} misses=${stats.misses} coalesced=${stats.coalesced} bypassed=${stats.bypassed} admitted=${stats.admitted}`);
  } finally {
    await client.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
