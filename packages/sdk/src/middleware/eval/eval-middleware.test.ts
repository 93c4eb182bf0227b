import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { StreamEvent } from '../../contract';
import { defineTaskPack } from '../../core/task-pack';
import { createRuntime } from '../../runtime';
import { createMemoryUsageSink } from '../meter/memory-usage-sink';
import { meterMiddleware } from '../meter/meter-middleware';
import { defineEvaluator } from './evaluator';
import { evalMiddleware } from './eval-middleware';
import { containsEvaluator } from './evaluators/contains-evaluator';

const writer = defineTaskPack({
  id: 'writer',
  version: '1.0.0',
  description: 'streams its text back word by word',
  streaming: true,
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
  async *handler(input) {
    for (const word of input.text.split(' ')) yield { type: 'text-delta', text: `${word} ` };
    return { text: input.text };
  },
});

const call = { agent: 'writer', input: { text: 'refund for order 42' }, tenant: 'acme' };

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe('evalMiddleware', () => {
  it('emits each score as an eval event before the result and attaches the scores to result.evals', async () => {
    const evals = evalMiddleware({ evaluators: [containsEvaluator('refund'), containsEvaluator('invoice', { name: 'invoice' })] });
    const runtime = createRuntime({ packs: [writer], middleware: [evals] });
    const events = await collect(runtime.stream(call));
    const types = events.map((event) => event.type);
    expect(types.slice(-3)).toEqual(['eval', 'eval', 'result']);
    expect(types.indexOf('eval')).toBeGreaterThan(types.lastIndexOf('text-delta'));
    const result = events.at(-1) as Extract<StreamEvent, { type: 'result' }>;
    expect(result.result.evals).toEqual([
      { name: 'contains', score: 1, pass: true },
      { name: 'invoice', score: 0, pass: false, reason: 'missing "invoice"' },
    ]);
    const invoked = await runtime.invoke(call);
    expect(invoked.evals.map((score) => score.pass)).toEqual([true, false]);
    expect(evals.stats()).toMatchObject({ evaluated: 4, passed: 2, failed: 2, errored: 0, skipped: 0 });
  });

  it('records an evaluator that throws or times out as an eval error and never fails the call', async () => {
    const evals = evalMiddleware({
      timeoutMs: 20,
      evaluators: [
        defineEvaluator('throws', () => {
          throw new Error('rubric file missing');
        }),
        defineEvaluator('hangs', () => new Promise(() => {})),
        defineEvaluator('garbage', () => ({ score: 'high' }) as never),
        function named() {
          return { score: 1, pass: true };
        },
      ],
    });
    const result = await createRuntime({ packs: [writer], middleware: [evals] }).invoke(call);
    expect(result.output).toEqual({ text: 'refund for order 42' });
    expect(result.evals).toEqual([
      { name: 'throws', score: 0, pass: false, error: 'threw: rubric file missing' },
      { name: 'hangs', score: 0, pass: false, error: 'timed out after 20 ms' },
      { name: 'garbage', score: 0, pass: false, error: expect.stringContaining('invalid verdict: `score` must be a finite number') },
      { name: 'named', score: 1, pass: true },
    ]);
    expect(evals.stats()).toMatchObject({ evaluated: 4, errored: 2, timedOut: 1, passed: 1 });
  });

  it('aborts the signal of an evaluator that runs past its deadline, whenever it first read the signal', async () => {
    const signals: Record<string, AbortSignal> = {};
    const evals = evalMiddleware({
      timeoutMs: 20,
      evaluators: [
        defineEvaluator('reads-first', (context) => ((signals.first = context.signal), new Promise(() => {}))),
        defineEvaluator('reads-later', (context) => new Promise(() => setTimeout(() => (signals.later = context.signal), 5))),
        defineEvaluator('spreads', ({ ...context }) => ((signals.spread = context.signal), { score: 1, pass: true })),
      ],
    });
    const result = await createRuntime({ packs: [writer], middleware: [evals] }).invoke(call);
    expect(result.evals.map((score) => score.error)).toEqual(['timed out after 20 ms', 'timed out after 20 ms', undefined]);
    expect({ first: signals.first?.aborted, later: signals.later?.aborted, spread: signals.spread?.aborted }).toEqual({ first: true, later: true, spread: false });
  });

  it('fails the call with AGENTRY_HANDLER_FAILED when failOnError is set and an evaluator breaks', async () => {
    const evals = evalMiddleware({ failOnError: true, evaluators: [defineEvaluator('throws', () => Promise.reject(new Error('judge down')))] });
    await expect(createRuntime({ packs: [writer], middleware: [evals] }).invoke(call)).rejects.toMatchObject({
      code: 'AGENTRY_HANDLER_FAILED',
      message: 'invoke writer@1.0.0 failed: evaluator throws threw: judge down',
    });
  });

  it('samples each evaluator at its own rate and counts the skipped ones', async () => {
    const draws = [0.05, 0.09, 0.5]; // only `contains` (rate 0.1) draws; `always` runs at 1
    const evals = evalMiddleware({
      evaluators: [containsEvaluator('refund'), defineEvaluator('always', () => ({ score: 1, pass: true }))],
      sampleRate: { contains: 0.1 },
      random: () => draws.shift() ?? 0.99,
    });
    const runtime = createRuntime({ packs: [writer], middleware: [evals] });
    const first = await runtime.invoke(call);
    const second = await runtime.invoke(call);
    expect(first.evals.map((score) => score.name)).toEqual(['contains', 'always']);
    expect(second.evals.map((score) => score.name)).toEqual(['contains', 'always']);
    const third = await runtime.invoke(call);
    expect(third.evals.map((score) => score.name)).toEqual(['always']);
    expect(evals.stats()).toMatchObject({ evaluated: 5, skipped: 1 });
  });

  it('scores jobs too, and the meter outside it records the summary in the usage record', async () => {
    const sink = createMemoryUsageSink();
    const meter = meterMiddleware({ sink });
    const evals = evalMiddleware({ evaluators: [containsEvaluator('refund'), containsEvaluator('nope', { name: 'nope' })] });
    const runtime = createRuntime({ packs: [writer], middleware: [meter, evals] });
    const job = await runtime.submit(call);
    await expect.poll(async () => (await runtime.getJob('acme', job.jobId)).status).toBe('succeeded');
    expect((await runtime.getJob('acme', job.jobId)).result?.evals).toHaveLength(2);
    await meter.flush();
    expect(sink.records()[0]).toMatchObject({ mode: 'job', evals: { total: 2, passed: 1, errored: 0, failed: ['nope'] } });
  });

  it('refuses evaluators without a name or with duplicate names, with AGENTRY_INVALID_OPTIONS', () => {
    expect(() => evalMiddleware({ evaluators: [() => ({ score: 1, pass: true })] })).toThrow(/needs a `name`/);
    expect(() => evalMiddleware({ evaluators: [containsEvaluator('a'), containsEvaluator('b')] })).toThrow(/two evaluators are named contains/);
    expect(() => evalMiddleware({ evaluators: [], sampleRate: 2 })).toThrow(/between 0 and 1/);
  });
});
