import { describe, expect, it } from 'vitest';
import { echo } from './meter-test-kit';
import { z } from 'zod';
import { AgentryError } from '../../contract';
import { usageRecordSchema } from '../../contract/usage-event';
import { defineTaskPack } from '../../core/task-pack';
import type { Middleware } from '../../core/middleware';
import { createRuntime } from '../../runtime';
import { createMemoryUsageSink } from './memory-usage-sink';
import { meterMiddleware } from './meter-middleware';
import type { UsageSink } from './usage-sink';


const writer = defineTaskPack({
  id: 'writer',
  version: '2.0.0',
  description: 'streams a model answer',
  streaming: true,
  input: z.object({ text: z.string(), fail: z.boolean().optional() }),
  output: z.object({ text: z.string() }),
  async *handler(input, context) {
    let text = '';
    for await (const event of context.model.stream({ messages: [{ role: 'user', content: input.text }] })) {
      if (event.type === 'text-delta') {
        text += event.text;
        yield { type: 'text-delta', text: event.text };
      }
    }
    if (input.fail) throw new AgentryError('AGENTRY_UPSTREAM_ERROR', 'model went away');
    return { text };
  },
});

function runtimeWith(middleware: Middleware[]) {
  return createRuntime({ packs: [echo, writer], middleware, costOf: (_provider, _model, usage) => usage.outputTokens * 0.001 });
}

const refuseAll: Middleware = {
  name: 'refuse',
  // eslint-disable-next-line require-yield
  async *handle(invocation) {
    throw new AgentryError('AGENTRY_BUDGET_EXCEEDED', `invoke ${invocation.agent} refused: budget of tenant ${invocation.tenant} exhausted`);
  },
};

describe('meterMiddleware', () => {
  it('writes one valid usage record per successful invoke with tokens, cost and identity', async () => {
    const sink = createMemoryUsageSink();
    const meter = meterMiddleware({ sink });
    const runtime = runtimeWith([meter]);
    const result = await runtime.invoke({
      agent: 'writer',
      input: { text: 'Cats sleep a lot. Dogs bark at night. Birds sing in the morning.' },
      tenant: 'acme',
      subject: 'user-1',
      metadata: { team: 'support' },
      requestId: 'req_1',
    });
    await meter.flush();
    const [record] = sink.records();
    expect(sink.records()).toHaveLength(1);
    expect(usageRecordSchema.parse(record)).toEqual(record);
    expect(record).toMatchObject({
      tenant: 'acme',
      subject: 'user-1',
      agent: 'writer',
      version: '2.0.0',
      mode: 'invoke',
      outcome: 'success',
      requestId: 'req_1',
      invocationId: result.id,
      cacheHit: false,
      variant: null,
      metadata: { team: 'support' },
      inputTokens: result.usage.inputTokens,
      outputTokens: result.usage.outputTokens,
      costUsd: result.usage.costUsd,
    });
    expect(record!.outputTokens).toBeGreaterThan(0);
    expect(record!.costUsd).toBeCloseTo(record!.outputTokens * 0.001);
    expect(record!.timeToFirstEventMs).toBeTypeOf('number');
    expect(record!.errorCode).toBeUndefined();
  });

  it('records failed, refused and cancelled calls with their outcome and code', async () => {
    const sink = createMemoryUsageSink();
    const meter = meterMiddleware({ sink });
    const runtime = runtimeWith([meter]);
    await expect(runtime.invoke({ agent: 'writer', input: { text: 'Hello there.', fail: true }, tenant: 'acme' })).rejects.toThrow(
      'model went away',
    );
    await expect(createRuntime({ packs: [echo], middleware: [meter, refuseAll] }).invoke({ agent: 'echo', input: { text: 'x' }, tenant: 'acme' })).rejects.toMatchObject({
      code: 'AGENTRY_BUDGET_EXCEEDED',
    });
    const controller = new AbortController();
    controller.abort();
    await expect(runtime.invoke({ agent: 'echo', input: { text: 'x' }, tenant: 'acme', signal: controller.signal })).rejects.toMatchObject({
      code: 'AGENTRY_CANCELLED',
    });
    await meter.flush();
    expect(sink.records().map((record) => [record.outcome, record.errorCode])).toEqual([
      ['error', 'AGENTRY_UPSTREAM_ERROR'],
      ['refused', 'AGENTRY_BUDGET_EXCEEDED'],
      ['cancelled', 'AGENTRY_CANCELLED'],
    ]);
  });

  it('records a stream the consumer abandoned as cancelled', async () => {
    const sink = createMemoryUsageSink();
    const meter = meterMiddleware({ sink });
    const runtime = runtimeWith([meter]);
    for await (const event of runtime.stream({ agent: 'writer', input: { text: 'One two three four five six.' }, tenant: 'acme' })) {
      if (event.type === 'text-delta') break;
    }
    await meter.flush();
    expect(sink.records()).toMatchObject([{ mode: 'stream', outcome: 'cancelled', errorCode: 'AGENTRY_CANCELLED' }]);
  });

  it('copies eval scores of the result into the record: counts, failed names and every score with its reason', async () => {
    const sink = createMemoryUsageSink();
    const meter = meterMiddleware({ sink });
    const scorer: Middleware = {
      name: 'scorer',
      async *handle(invocation, next) {
        for await (const event of next(invocation)) {
          if (event.type === 'result') {
            const evals = [
              { name: 'ok', score: 1, pass: true },
              { name: 'bad', score: 0, pass: false, reason: 'missing the word refund' },
              { name: 'broken', score: 0, pass: false, error: 'timed out' },
            ];
            yield { type: 'result', result: { ...event.result, evals } };
          } else yield event;
        }
      },
    };
    await runtimeWith([meter, scorer]).invoke({ agent: 'echo', input: { text: 'x' }, tenant: 't' });
    await meter.flush();
    expect(sink.records()[0]!.evals).toEqual({
      total: 3,
      passed: 1,
      errored: 1,
      failed: ['bad', 'broken'],
      scores: [
        { name: 'ok', score: 1, pass: true },
        { name: 'bad', score: 0, pass: false, reason: 'missing the word refund' },
        { name: 'broken', score: 0, pass: false, error: 'timed out' },
      ],
    });
  });

  it('ships records in batches of batchSize and flushes a partial batch on the interval', async () => {
    const batches: number[] = [];
    const sink: UsageSink = { name: 'counting', write: async (records) => void batches.push(records.length) };
    const meter = meterMiddleware({ sink, buffer: { batchSize: 3, flushIntervalMs: 10 } });
    const runtime = runtimeWith([meter]);
    for (let index = 0; index < 7; index++) await runtime.invoke({ agent: 'echo', input: { text: 'x' }, tenant: 't' });
    await expect.poll(() => meter.stats().delivered).toBe(7);
    expect(batches.every((size) => size <= 3)).toBe(true);
    expect(batches.reduce((sum, size) => sum + size, 0)).toBe(7);
    await meter.close();
  });

  it('retries a failed write and delivers on a later attempt', async () => {
    let calls = 0;
    const delivered: unknown[] = [];
    const sink: UsageSink = {
      name: 'flaky',
      async write(records) {
        if (++calls === 1) throw new Error('connection reset');
        delivered.push(...records);
      },
    };
    const errors: unknown[] = [];
    const meter = meterMiddleware({ sink, buffer: { onError: (error) => errors.push(error) } });
    await runtimeWith([meter]).invoke({ agent: 'echo', input: { text: 'x' }, tenant: 't' });
    await meter.flush();
    expect(meter.stats()).toMatchObject({ recorded: 1, delivered: 0, failed: 0, buffered: 1 });
    await meter.flush();
    expect(meter.stats()).toMatchObject({ recorded: 1, delivered: 1, failed: 0, buffered: 0 });
    expect(delivered).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });
});
