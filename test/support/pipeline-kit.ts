// The full pipeline (meter, governance, budget, cache, eval) and the three places it can run, for
// the end-to-end suites in test/pipeline/. Public imports only: what a user can build, we test.
import { z } from 'zod';
import {
  budgetMiddleware,
  cacheMiddleware,
  costSloEvaluator,
  createAuditTrail,
  createClient,
  createCostFunction,
  createMemoryAppendLog,
  createMemoryCounterStore,
  createMemoryKeyValueStore,
  createMemoryUsageSink,
  createPriceTable,
  defineEvaluator,
  defineTaskPack,
  evalMiddleware,
  governanceMiddleware,
  meterMiddleware,
  outputSchemaEvaluator,
  piiLeakEvaluator,
  type AgentryClient,
  type AuditAppendLog,
  type AuditTrail,
  type BudgetLimits,
  type BudgetMiddleware,
  type CacheMiddleware,
  type CounterStore,
  type EvalMiddleware,
  type KeyValueStore,
  type MemoryUsageSink,
  type MeterMiddleware,
  type Middleware,
  type StreamEvent,
  type TaskPack,
  type UsageRecord,
  type UsageSink,
} from '@agentry/sdk';
import { createServer, type ApiKeys } from '@agentry/sdk/server';
import { echoPack, summarizePack } from '@agentry/task-packs';

/** Where the chain runs: in the in-process runtime, inside the server, or in the client around HTTP. */
export type Placement = 'in-process' | 'in-server' | 'client-over-http';
export const placements: readonly Placement[] = ['in-process', 'in-server', 'client-over-http'];

/** USD per million tokens of the local model, so every model call costs something. */
export const localPrices = { input: 100, output: 200 } as const;

/** The runtime's cost function: the default table plus a price for the deterministic local model. */
export function createPricedCostFunction() {
  return createCostFunction(
    createPriceTable({
      version: 'pipeline-test',
      providers: { local: { 'local-extractive-1': { ...localPrices, asOf: '2025-01-01' } } },
    }),
  );
}

/** What the local model's usage costs at {@link localPrices}. */
export function expectedCost(usage: { inputTokens: number; outputTokens: number }): number {
  return (usage.inputTokens * localPrices.input + usage.outputTokens * localPrices.output) / 1_000_000;
}

const scribeOutput = z.object({ summary: z.string(), contact: z.string().optional() });

/**
 * `scribe`: summarises its text with `ctx.model` (streaming) and records the text it was given,
 * so a test can see what the pack saw. With `withContact` it signs the answer with an email
 * address: personal data in the output that governance must redact.
 */
export function createScribePack(): { pack: TaskPack; seen: string[] } {
  const seen: string[] = [];
  const pack = defineTaskPack({
    id: 'scribe',
    version: '1.0.0',
    description: 'Summarises a text with the model, streaming; optionally signs with a contact address.',
    streaming: true,
    input: z.object({ text: z.string().min(1), withContact: z.boolean().optional() }),
    output: scribeOutput,
    async *handler(input, context) {
      seen.push(input.text);
      let summary = '';
      for await (const event of context.model.stream({
        system: 'Summarise the text in two sentences.',
        messages: [{ role: 'user', content: input.text }],
        signal: context.signal,
      })) {
        if (event.type === 'text-delta') {
          summary += event.text;
          yield { type: 'text-delta', text: event.text };
        }
      }
      return { summary: summary.trim(), ...(input.withContact === true ? { contact: 'Escalations go to ops.lead@example.com' } : {}) };
    },
  });
  return { pack, seen };
}

/** Names of the evaluators every pipeline runs, in order. */
export const evaluatorNames = ['output-schema', 'cost-slo', 'has-summary', 'pii-leak'] as const;

/** Stores behind the pipeline; memory ones by default. */
export interface PipelineStores {
  cache?: KeyValueStore;
  counters?: CounterStore;
  usage?: UsageSink;
  /** Log the audit trail is written to. */
  auditLog?: AuditAppendLog;
  /** Name of this writer's audit chain (one per replica). @default 'audit' */
  auditName?: string;
}

export interface PipelineOptions {
  stores?: PipelineStores;
  /** @default every tenant: 100 USD a day, warning past 50 */
  limits?: BudgetLimits;
  /** Worst-case cost reserved per call, in USD. @default 0.02 */
  estimateUsd?: number;
  /** @default 'fail' */
  onAuditError?: 'fail' | 'ignore';
}

/** The chain plus a handle on each middleware, for assertions. */
export interface Pipeline {
  /** [meter, governance, budget, cache, eval], outermost first. */
  readonly middleware: readonly Middleware[];
  readonly meter: MeterMiddleware;
  readonly budget: BudgetMiddleware;
  readonly cache: CacheMiddleware;
  readonly evals: EvalMiddleware;
  readonly audit: AuditTrail;
  /** The memory sink, unless `stores.usage` replaced it. */
  readonly sink: MemoryUsageSink | undefined;
}

/**
 * The full chain. Governance lets tier `standard` use `scribe` and `echo` only, so `summarize`
 * (hosted too) is a tier-forbidden agent; every tenant is `standard`, including the client-side
 * chain's `remote` tenant.
 */
export function createPipeline(options: PipelineOptions = {}): Pipeline {
  const stores = options.stores ?? {};
  const sink = stores.usage === undefined ? createMemoryUsageSink() : undefined;
  const meter = meterMiddleware({ sink: stores.usage ?? sink! });
  const audit = createAuditTrail({ log: stores.auditLog ?? createMemoryAppendLog(), name: stores.auditName ?? 'audit' });
  const governance = governanceMiddleware({
    pii: { input: 'redact', output: 'redact' },
    tiers: { standard: { agents: ['scribe', 'echo'], tools: [] } },
    tenantTier: () => 'standard',
    audit,
    onAuditError: options.onAuditError ?? 'fail',
  });
  const estimateUsd = options.estimateUsd ?? 0.02;
  const budget = budgetMiddleware({
    counters: stores.counters ?? createMemoryCounterStore(),
    limits: options.limits ?? { '*': { period: 'day', hardUsd: 100, softUsd: 50 } },
    estimate: () => estimateUsd,
  });
  const cache = cacheMiddleware({ store: stores.cache ?? createMemoryKeyValueStore(), ttlMs: 60_000 });
  const evals = evalMiddleware({
    evaluators: [
      outputSchemaEvaluator(scribeOutput),
      costSloEvaluator({ maxUsd: 1 }),
      defineEvaluator('has-summary', ({ output }) => {
        const summary = (output as { summary?: unknown }).summary;
        const pass = typeof summary === 'string' && summary.length > 0;
        return { score: pass ? 1 : 0, pass };
      }),
      piiLeakEvaluator(),
    ],
  });
  return { middleware: [meter, governance, budget, cache, evals], meter, budget, cache, evals, audit, sink };
}

/** A client wired to one placement of a pipeline. */
export interface PlacementHandle {
  readonly client: AgentryClient;
  /** Tenant the pipeline sees: the server's for in-process and in-server, `remote` client-side. */
  readonly tenant: string;
  /** Whether submitted jobs run through the pipeline (client-side middleware wraps invoke and stream only). */
  readonly jobsRunChain: boolean;
  close(): Promise<void>;
}

export interface OpenPlacementOptions {
  packs: readonly TaskPack[];
  middleware: readonly Middleware[];
  /** Tenant of the in-process client and of the server's API key. @default 'acme' */
  tenant?: string;
}

/**
 * Runs `middleware` in one placement: (a) an in-process client whose runtime runs the chain,
 * (b) a server running the chain and a plain HTTP client, (c) a server without middleware and an
 * HTTP client running the chain around its transport. Servers listen on 127.0.0.1, a free port.
 */
export async function openPlacement(placement: Placement, options: OpenPlacementOptions): Promise<PlacementHandle> {
  const tenant = options.tenant ?? 'acme';
  const costOf = createPricedCostFunction();
  if (placement === 'in-process') {
    const client = createClient({ packs: options.packs, middleware: options.middleware, costOf, tenant });
    return { client, tenant, jobsRunChain: true, close: () => client.close() };
  }
  const apiKeys: ApiKeys = { 'key-pipeline': { tenant } };
  const inServer = placement === 'in-server';
  const server = createServer({ packs: options.packs, costOf, apiKeys, ...(inServer ? { middleware: options.middleware } : {}) });
  const { url } = await server.listen({ port: 0 });
  const client = createClient({
    baseUrl: url,
    apiKey: 'key-pipeline',
    retry: { limit: 0 },
    ...(inServer ? {} : { middleware: options.middleware }),
  });
  return {
    client,
    tenant: inServer ? tenant : 'remote',
    jobsRunChain: inServer,
    async close() {
      await client.close();
      await server.close({ timeoutMs: 2_000 });
    },
  };
}

/** A placement of a fresh pipeline over fresh memory stores, hosting scribe, echo and summarize. */
export interface PipelineHarness extends PlacementHandle {
  readonly pipeline: Pipeline;
  /** Texts the scribe pack received, in order. */
  readonly seen: readonly string[];
  /** Usage records delivered so far (flushes the meter first). */
  usage(): Promise<readonly UsageRecord[]>;
}

/** Opens {@link createPipeline} in `placement`; `close()` also closes the meter. */
export async function openPipelineHarness(placement: Placement, options: PipelineOptions = {}): Promise<PipelineHarness> {
  const scribe = createScribePack();
  const pipeline = createPipeline(options);
  const handle = await openPlacement(placement, { packs: [scribe.pack, echoPack, summarizePack], middleware: pipeline.middleware });
  return {
    ...handle,
    pipeline,
    seen: scribe.seen,
    async usage() {
      await pipeline.meter.flush();
      return [...(pipeline.sink?.records() ?? [])];
    },
    async close() {
      await handle.close();
      await pipeline.meter.close({ timeoutMs: 1_000 });
    },
  };
}

/** Reads a whole stream. */
export async function collectStream(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** What a replay must keep of an event: its type, and the text of text deltas and warnings. */
export function eventShape(event: StreamEvent): string {
  if (event.type === 'text-delta') return `text-delta:${event.text}`;
  if (event.type === 'warning') return `warning:${event.code}`;
  if (event.type === 'eval') return `eval:${event.eval.name}:${event.eval.pass}`;
  return event.type;
}

/** The result event of a finished stream. */
export function resultOf(events: readonly StreamEvent[]) {
  const last = events.at(-1);
  if (last?.type !== 'result') throw new Error(`the stream ended with ${last?.type ?? 'nothing'}, not a result`);
  return last.result;
}

/** Waits until `condition` holds (background writes such as cache admission), at most `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
