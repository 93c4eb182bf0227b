// Metering: one usage record per call (tenant, subject, agent, tokens, cost, latency, outcome) written
// to a JSON Lines file off the request path, then the KPI table `agentry report --file usage.jsonl`
// prints from that file. Run with `npx tsx examples/middleware/metering.ts`.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createClient,
  createCostFunction,
  createPriceTable,
  createRuntime,
  formatUsageTable,
  meterMiddleware,
  parseUsageRecords,
  summarizeUsage,
} from '@agentry/sdk';
import { createJsonLinesUsageSink } from '@agentry/sdk/server';
import { builtinPacks } from '@agentry/task-packs';

// The local model is free; price it like gpt-4o so the report shows costs.
const costOf = createCostFunction(createPriceTable({ providers: { local: { 'local-extractive-1': { input: 2.5, output: 10 } } } }));

const ticket = `The customer ordered a standing desk on May 2. It arrived with a cracked leg. They sent photos
the same day. Support offered a replacement leg, but the customer asked for a full refund. The refund
was approved on May 6 and the desk will be collected next week.`;

export async function run(log: (line: string) => void = console.log): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), 'agentry-metering-'));
  const path = join(folder, 'usage.jsonl');
  const meter = meterMiddleware({ sink: createJsonLinesUsageSink({ path }) });
  // One runtime, two tenants: each client bills its calls to its own tenant.
  const runtime = createRuntime({ packs: builtinPacks, middleware: [meter], costOf });
  const acme = createClient({ runtime, tenant: 'acme' });
  const globex = createClient({ runtime, tenant: 'globex' });
  try {
    await acme.invoke('summarize', { text: ticket }, { subject: 'agent-ann', metadata: { queue: 'refunds' } });
    for await (const text of acme.stream('summarize', { text: ticket }).textStream) void text;
    // A reader who leaves after the first words: still one record, with outcome `cancelled`.
    for await (const text of globex.stream('summarize', { text: ticket }).textStream) if (text) break;
    await globex.invoke('echo', { text: 'ping' });

    // close() delivers what is still buffered (flush() would too, and keep the meter open).
    await meter.close();
    const { recorded, delivered, dropped, failed } = meter.stats();
    log(`meter: recorded=${recorded} delivered=${delivered} dropped=${dropped} failed=${failed}`);

    const { records } = parseUsageRecords(await readFile(path, 'utf8'));
    const first = records[0]!;
    log(`first record: tenant=${first.tenant} subject=${first.subject} agent=${first.agent}@${first.version} mode=${first.mode}`);
    log(`  tokens in/out=${first.inputTokens}/${first.outputTokens} cost=$${first.costUsd.toFixed(6)} outcome=${first.outcome} metadata=${JSON.stringify(first.metadata)}`);
    log(`outcomes: ${records.map((record) => `${record.tenant}/${record.agent}/${record.mode}=${record.outcome}`).join(', ')}`);
    log('');
    log(formatUsageTable(summarizeUsage(records)).trimEnd());
  } finally {
    await runtime.drain();
    await rm(folder, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
