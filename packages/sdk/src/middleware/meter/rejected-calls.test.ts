import { describe, expect, it } from 'vitest';
import { echo } from './meter-test-kit';
import type { Middleware } from '../../core/middleware';
import { createRuntime } from '../../runtime';
import { createMemoryUsageSink } from './memory-usage-sink';
import { meterMiddleware } from './meter-middleware';


async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code: string }).code;
  }
  throw new Error('expected the call to fail');
}

describe('meterMiddleware and calls the runtime turns away', () => {
  it('records one usage record for an unknown agent and for an input its schema refuses, with the error code', async () => {
    const sink = createMemoryUsageSink();
    const meter = meterMiddleware({ sink });
    const runtime = createRuntime({ packs: [echo], middleware: [meter] });
    expect(await codeOf(runtime.invoke({ agent: 'nope', tenant: 'acme', input: {}, requestId: 'req_unknown' }))).toBe('AGENTRY_AGENT_NOT_FOUND');
    expect(await codeOf(runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: 42 }, subject: 'user-1', metadata: { feature: 'inbox' } }))).toBe('AGENTRY_INVALID_INPUT');
    expect(await codeOf(runtime.submit({ agent: 'echo', tenant: 'acme', input: {} }))).toBe('AGENTRY_INVALID_INPUT');
    await meter.flush();

    expect(sink.records().map((record) => [record.agent, record.mode, record.outcome, record.errorCode, record.costUsd])).toEqual([
      ['nope', 'invoke', 'error', 'AGENTRY_AGENT_NOT_FOUND', 0],
      ['echo', 'invoke', 'error', 'AGENTRY_INVALID_INPUT', 0],
      ['echo', 'job', 'error', 'AGENTRY_INVALID_INPUT', 0],
    ]);
    expect(sink.records()[0]).toMatchObject({ requestId: 'req_unknown', tenant: 'acme', version: '', cacheHit: false, evals: { total: 0 } });
    expect(sink.records()[1]).toMatchObject({ subject: 'user-1', metadata: { feature: 'inbox' } });
    expect(meter.stats().recorded).toBe(3);
  });

  it('keeps the caller\'s error whatever a middleware\'s rejected hook does', async () => {
    const throwing: Middleware = {
      name: 'throwing',
      handle: (invocation, next) => next(invocation),
      rejected: () => {
        throw new Error('bookkeeping broke');
      },
    };
    const runtime = createRuntime({ packs: [echo], middleware: [throwing] });
    expect(await codeOf(runtime.invoke({ agent: 'echo', tenant: 'acme', input: {} }))).toBe('AGENTRY_INVALID_INPUT');
  });
});
