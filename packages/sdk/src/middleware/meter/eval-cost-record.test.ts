import { describe, expect, it } from 'vitest';
import { echo } from './meter-test-kit';
import { createRuntime } from '../../runtime';
import { createMemoryKeyValueStore } from '../../stores/memory-key-value-store';
import { cacheMiddleware } from '../cache/cache-middleware';
import { evalMiddleware } from '../eval/eval-middleware';
import { createMemoryUsageSink } from './memory-usage-sink';
import { meterMiddleware } from './meter-middleware';


describe('usage records and the cost of evaluating', () => {
  it('carry what judges cost as evalCostUsd, apart from the call\'s own cost, and per score', async () => {
    const sink = createMemoryUsageSink();
    const meter = meterMiddleware({ sink });
    const judges = evalMiddleware({
      evaluators: [
        { name: 'judge-a', evaluate: () => ({ score: 1, pass: true, costUsd: 0.002 }) },
        { name: 'judge-b', evaluate: async () => ({ score: 0.9, pass: true, costUsd: 0.001 }) },
        { name: 'cheap', evaluate: () => ({ score: 1, pass: true }) },
      ],
    });
    const runtime = createRuntime({ packs: [echo], middleware: [meter, judges] });
    const result = await runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: 'hi' } });
    await meter.flush();
    const [record] = sink.records();
    expect(record!.costUsd).toBe(0);
    expect(record!.evalCostUsd).toBeCloseTo(0.003, 12);
    expect(record!.evals.scores?.map((score) => score.costUsd)).toEqual([0.002, 0.001, undefined]);
    expect(result.evals.map((score) => score.costUsd)).toEqual([0.002, 0.001, undefined]);
  });

  it('leave evalCostUsd out when no evaluator reported a cost, and refuse a negative one as an eval error', async () => {
    const sink = createMemoryUsageSink();
    const meter = meterMiddleware({ sink });
    const runtime = createRuntime({
      packs: [echo],
      middleware: [meter, evalMiddleware({ evaluators: [{ name: 'odd', evaluate: () => ({ score: 1, pass: true, costUsd: -1 }) }] })],
    });
    const result = await runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: 'hi' } });
    await meter.flush();
    expect(sink.records()[0]).not.toHaveProperty('evalCostUsd');
    expect(result.evals[0]).toMatchObject({ name: 'odd', pass: false, error: expect.stringContaining('`costUsd` must be a non-negative number') });
  });

  it('keep what a judge cost when it then threw (an answer it could not read)', async () => {
    const sink = createMemoryUsageSink();
    const meter = meterMiddleware({ sink });
    const unreadable = {
      name: 'judge',
      evaluate: async () => {
        throw Object.assign(new Error('the judge\'s answer holds no score'), { costUsd: 0.004 });
      },
    };
    const runtime = createRuntime({ packs: [echo], middleware: [meter, evalMiddleware({ evaluators: [unreadable] })] });
    const result = await runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: 'hi' } });
    await meter.flush();
    expect(result.evals[0]).toMatchObject({ name: 'judge', pass: false, error: expect.stringContaining('holds no score'), costUsd: 0.004 });
    expect(sink.records()[0]!.evalCostUsd).toBe(0.004);
  });

  it('are not charged again on cache hits: the run that made the entry paid for its evaluation', async () => {
    const sink = createMemoryUsageSink();
    const meter = meterMiddleware({ sink });
    let judged = 0;
    const judge = { name: 'judge', evaluate: () => ((judged += 1), { score: 1, pass: true, costUsd: 0.01 }) };
    const cache = cacheMiddleware({ store: createMemoryKeyValueStore() });
    const runtime = createRuntime({ packs: [echo], middleware: [meter, cache, evalMiddleware({ evaluators: [judge] })] });
    const results = [];
    for (let index = 0; index < 3; index++) results.push(await runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: 'same' } }));
    await meter.flush();
    expect(judged).toBe(1);
    expect(results.map((result) => result.cache.hit)).toEqual([false, true, true]);
    expect(sink.records().map((record) => record.evalCostUsd)).toEqual([0.01, undefined, undefined]);
    expect(results[1]!.evals).toEqual([{ name: 'judge', score: 1, pass: true }]);
  });
});
