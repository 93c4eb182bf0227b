// What the whole pipeline adds to an in-process call: meter + governance + budget + cache (miss)
// + evals sampled at 100% with the cheap built-in evaluators, against the same runtime with no
// middleware. Both run the echo pack in this process, interleaved call by call.
import { z } from 'zod';
import {
  budgetMiddleware,
  cacheMiddleware,
  containsEvaluator,
  costSloEvaluator,
  createMemoryCounterStore,
  createMemoryKeyValueStore,
  createMemoryUsageSink,
  createRuntime,
  evalMiddleware,
  governanceMiddleware,
  latencySloEvaluator,
  meterMiddleware,
  outputSchemaEvaluator,
} from '@agentry/sdk';
import { echoPack } from '@agentry/task-packs';
import { figuresTable, measureInterleaved, type BenchSection } from './lib/measure.ts';

export async function runPipelineOverheadBench(options: { iterations: number; warmup: number }): Promise<BenchSection[]> {
  const bare = createRuntime({ packs: [echoPack] });
  const meter = meterMiddleware({ sink: createMemoryUsageSink({ maxRecords: 1_000 }) });
  const full = createRuntime({
    packs: [echoPack],
    middleware: [
      meter,
      governanceMiddleware({ pii: { input: 'redact', output: 'redact' }, maxInputBytes: 65_536 }),
      budgetMiddleware({
        counters: createMemoryCounterStore(),
        limits: { bench: { period: 'day', hardUsd: 1_000_000, softUsd: 900_000 } },
        estimate: () => 0.001,
      }),
      cacheMiddleware({ store: createMemoryKeyValueStore({ maxEntries: 1_000 }) }),
      evalMiddleware({
        evaluators: [
          outputSchemaEvaluator(z.object({ text: z.string() })),
          containsEvaluator('hello'),
          latencySloEvaluator({ maxMs: 1_000 }),
          costSloEvaluator({ maxUsd: 1 }),
        ],
      }),
    ],
  });
  // Warm up longer than the other benchmarks: the full pipeline runs a few dozen functions per
  // call, and its p50 should be measured once they are all optimised, as the bare path's are.
  const warmup = Math.max(options.warmup, 2_000);
  let sequence = 0;
  // A new input on every call, so every call misses the cache (and pays the admission write).
  const input = () => ({ text: `hello from call ${sequence++}` });
  const figures = await measureInterleaved(
    [
      { name: 'bare runtime.invoke', includes: 'input/output validation, the pack, usage', run: () => bare.invoke({ agent: 'echo', input: input(), tenant: 'bench' }) },
      {
        name: 'full pipeline runtime.invoke',
        includes: 'the same + meter, governance (PII both ways), budget reservation, cache miss + admission, 4 evals at 100%',
        run: () => full.invoke({ agent: 'echo', input: input(), tenant: 'bench' }),
      },
    ],
    { ...options, warmup },
  );
  await meter.close({ timeoutMs: 1_000 });
  const addedP50 = (figures[1]!.p50 - figures[0]!.p50) * 1000;
  const addedP99 = (figures[1]!.p99 - figures[0]!.p99) * 1000;
  return [
    {
      title: 'Full pipeline overhead (in-process runtime)',
      body: `${figuresTable(figures, 'µs')}\n\nEach case warmed up with ${warmup} calls.`,
      verdicts: [
        `added by the full pipeline: p50 ${addedP50.toFixed(1)} µs, p99 ${addedP99.toFixed(1)} µs (target: p50 <= 50 µs) — ${addedP50 <= 50 ? 'met' : 'missed'}`,
      ],
    },
  ];
}
