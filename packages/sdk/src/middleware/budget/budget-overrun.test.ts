import { describe, expect, it } from 'vitest';
import type { AgentEvent, Invocation } from '../../core/invocation';
import { compose } from '../../core/compose';
import type { Next } from '../../core/middleware';
import { createMemoryCounterStore } from '../../stores/memory-counter-store';
import { budgetMiddleware } from './budget-middleware';
import { collect, pricedRuntime, shapeOf, todayKey } from './budget-test-kit';

// A call's estimate can fall short: its real cost is known only from its final usage, once the
// model is paid. Refusing the result then would save nothing and lose what was bought, so it is
// delivered and settled; the now spent budget refuses the calls after it.

/** Estimate $0.10, hard limit $0.15: a call that really costs $0.20 overruns what it could hold. */
function shortEstimate() {
  const counters = createMemoryCounterStore();
  const budget = budgetMiddleware({ counters, limits: { acme: { period: 'day', hardUsd: 0.15 } }, estimate: () => 0.1 });
  return { counters, budget, ...pricedRuntime([budget]) };
}

describe('budgetMiddleware when a call costs more than it reserved', () => {
  it('delivers the result of an invoke whose final usage passes the hard limit, settles its real cost, and refuses the next call', async () => {
    const { counters, budget, invoke } = shortEstimate();
    await expect(invoke({ input: { cost: 0.2 }, tenant: 'acme' })).resolves.toMatchObject({ output: { ok: true }, usage: { costUsd: 0.2 } });
    expect(await counters.get(todayKey())).toBe(200_000);
    await expect(invoke({ input: { cost: 0.01 }, tenant: 'acme' })).rejects.toMatchObject({
      code: 'AGENTRY_BUDGET_EXCEEDED',
      message: expect.stringContaining('refused: budget of tenant acme exhausted ($0.2000 of $0.1500'),
    });
    expect(budget.stats()).toMatchObject({ allowed: 1, refused: 1, streamsCut: 0 });
  });

  it('tells a stream with an AGENTRY_BUDGET_OVERRUN warning just before its result', async () => {
    const { runtime } = shortEstimate();
    const { events, error } = await collect(runtime.stream({ agent: 'streamer', input: { chunks: 2, cost: 0.2 }, tenant: 'acme' }));
    expect(error).toBeUndefined();
    expect(shapeOf(events)).toEqual(['start', 'text-delta', 'text-delta', 'usage', 'warning:AGENTRY_BUDGET_OVERRUN', 'result']);
    expect(events.find((event) => event.type === 'warning')).toMatchObject({
      message:
        'budget of tenant acme is over its hard limit: invoke streamer@1.0.0 cost $0.2000, $0.1000 more than it had reserved, known only once paid ' +
        '($0.2000 spent or reserved this day, hard $0.1500); later calls are refused',
    });
  });

  it('settles a dearer call without a warning while it still fits under the hard limit', async () => {
    const { counters, runtime } = shortEstimate();
    const { events } = await collect(runtime.stream({ agent: 'spender', input: { cost: 0.14 }, tenant: 'acme' }));
    expect(shapeOf(events)).toEqual(['start', 'usage', 'result']);
    expect(await counters.get(todayKey())).toBe(140_000);
  });

  it('ends a stream at the first output after a usage report it had no room for: the stream was still under way', async () => {
    const counters = createMemoryCounterStore();
    const budget = budgetMiddleware({ counters, limits: { acme: { period: 'day', hardUsd: 0.15 } }, estimate: () => 0.1 });
    // A transport that reports usage as it goes: $0.20 is spent before the stream is done.
    const source: Next = async function* () {
      yield { type: 'text-delta', text: 'a' };
      yield usage(0.2);
      yield { type: 'text-delta', text: 'b' };
      yield { type: 'text-delta', text: 'c' };
      yield usage(0.3);
    };
    const seen: string[] = [];
    const run = async () => {
      for await (const event of compose([budget], source)(invocation())) seen.push(event.type === 'text-delta' ? event.text : event.type);
    };
    await expect(run()).rejects.toMatchObject({ code: 'AGENTRY_BUDGET_EXCEEDED', message: expect.stringContaining('exhausted during the stream') });
    expect(seen).toEqual(['a', 'usage', 'b']);
    expect(await counters.get(todayKey())).toBe(200_000);
    expect(budget.stats().streamsCut).toBe(1);
  });
});

function usage(costUsd: number): AgentEvent {
  return { type: 'usage', usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUsd, latencyMs: 0, modelCalls: 1 } };
}

function invocation(): Invocation {
  return {
    id: 'inv_1',
    requestId: 'req_1',
    agent: 'reporter',
    version: '1.0.0',
    input: {},
    tenant: 'acme',
    subject: undefined,
    metadata: {},
    mode: 'stream',
    cache: undefined,
    signal: new AbortController().signal,
    startedAt: 0,
    state: new Map(),
  };
}
