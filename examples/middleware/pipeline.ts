// The pipeline: the five middleware in the documented order (meter, governance, budget, cache, eval)
// plus one of your own, used in-process, inside the server, and client-side over HTTP.
// Run with `npx tsx examples/middleware/pipeline.ts`.
import {
  budgetMiddleware, cacheMiddleware, createClient, createMemoryCounterStore, createMemoryKeyValueStore, createMemoryUsageSink,
  evalMiddleware, governanceMiddleware, meterMiddleware, piiLeakEvaluator, type MeterMiddleware, type Middleware,
} from '@agentry/sdk';
import { createServer } from '@agentry/sdk/server';
import { builtinPacks } from '@agentry/task-packs';

type Log = (line: string) => void;

/** Your own middleware: one line per call, written as its result passes on the way out. */
function callLog(log: Log): Middleware {
  return {
    name: 'call-log',
    async *handle(invocation, next) {
      for await (const event of next(invocation)) {
        if (event.type === 'result') log(`   [call-log] tenant=${invocation.tenant} ${invocation.agent} ${invocation.mode} cache hit=${event.result.cache.hit}`);
        yield event;
      }
    },
  };
}

/** The recommended order, outermost first. */
function pipeline(meter: MeterMiddleware, log: Log): Middleware[] {
  return [
    meter,
    governanceMiddleware({ pii: { input: 'redact', output: 'redact' } }),
    budgetMiddleware({ counters: createMemoryCounterStore(), limits: { '*': { period: 'day', hardUsd: 5 } }, estimate: () => 0.01 }),
    callLog(log), // yours: anywhere in the chain; here it sees every call budget let through
    cacheMiddleware({ store: createMemoryKeyValueStore() }),
    evalMiddleware({ evaluators: [piiLeakEvaluator({ path: 'summary' })] }),
  ];
}

const ticket = { text: 'Ticket from jane.doe@example.com: the May invoice is charged twice. Please refund one charge.' };

export async function run(log: Log = console.log): Promise<void> {
  log('1. in-process: createClient({ packs, middleware })');
  const localUsage = createMemoryUsageSink();
  const localMeter = meterMiddleware({ sink: localUsage });
  const local = createClient({ packs: builtinPacks, tenant: 'acme', middleware: pipeline(localMeter, log) });
  const answer = await local.invoke('summarize', ticket);
  await local.invoke('summarize', ticket);
  log(`   output: ${JSON.stringify(answer.output)} evals: ${answer.evals.map((score) => `${score.name}=${score.pass}`).join(', ')}`);
  await local.close();

  log('2. in the server: createServer({ packs, middleware, apiKeys })');
  const serverUsage = createMemoryUsageSink();
  const serverMeter = meterMiddleware({ sink: serverUsage });
  // The tenant comes from the API key.
  const server = createServer({ packs: builtinPacks, middleware: pipeline(serverMeter, log), apiKeys: { 'demo-key': { tenant: 'globex' } } });
  const { url } = await server.listen({ port: 0 });

  log('3. client-side over HTTP: createClient({ baseUrl, middleware })');
  const clientUsage = createMemoryUsageSink();
  const clientMeter = meterMiddleware({ sink: clientUsage });
  // Runs in this process around each HTTP call; it sees tenant `remote` (the server knows the real one).
  const remote = createClient({ baseUrl: url, apiKey: 'demo-key', middleware: [clientMeter] });
  try {
    await remote.invoke('summarize', ticket);
    for await (const text of remote.stream('summarize', ticket).textStream) void text;
  } finally {
    await remote.close();
    await server.close();
  }
  // Meters ship records in the background, in batches; flush() writes what is buffered now.
  await Promise.all([localMeter.flush(), serverMeter.flush(), clientMeter.flush()]);
  for (const [where, sink] of [['in-process', localUsage], ['server', serverUsage], ['client', clientUsage]] as const) {
    log(`usage (${where}): ${sink.records().map((record) => `${record.tenant}/${record.mode}/hit=${record.cacheHit}`).join(', ')}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
