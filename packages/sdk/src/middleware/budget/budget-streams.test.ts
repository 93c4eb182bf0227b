import { describe, expect, it } from 'vitest';
import { createMemoryCounterStore } from '../../stores/memory-counter-store';
import type { BudgetLimits } from './budget-limits';
import { budgetMiddleware, type BudgetOptions } from './budget-middleware';
import { collect, pricedRuntime, shapeOf, todayKey } from './budget-test-kit';

/** Reserves $0.002 up front, and prices each streamed word at $0.003 as it passes. */
function wordPriced(limits: BudgetLimits, options: Partial<BudgetOptions> = {}) {
  const counters = createMemoryCounterStore();
  const budget = budgetMiddleware({
    counters,
    limits,
    estimate: () => 0.002,
    chunkCost: (event) => (event.type === 'text-delta' ? 0.003 : 0),
    ...options,
  });
  return { counters, budget, ...pricedRuntime([budget]) };
}

describe('budgetMiddleware on streams', () => {
  it('warns once with AGENTRY_BUDGET_SOFT_LIMIT right after the chunk that took the stream past the soft limit', async () => {
    const { budget, runtime } = wordPriced({ acme: { period: 'day', hardUsd: 1, softUsd: 0.005 } });
    // $0.003 after the first word, $0.006 (past $0.005) after the second, more after that: one warning.
    const { events, error } = await collect(runtime.stream({ agent: 'streamer', input: { chunks: 4, cost: 0.012 }, tenant: 'acme' }));
    expect(error).toBeUndefined();
    expect(shapeOf(events)).toEqual(['start', 'text-delta', 'text-delta', 'warning:AGENTRY_BUDGET_SOFT_LIMIT', 'text-delta', 'text-delta', 'usage', 'result']);
    expect(events.find((event) => event.type === 'warning')).toMatchObject({
      message: 'budget of tenant acme is past its soft limit: $0.0060 spent or reserved this day (soft $0.0050, hard $1.00)',
    });
    expect(budget.stats().softWarnings).toBe(1);
  });

  it('does not repeat a soft-limit warning the stream already carried from its start', async () => {
    const { budget, runtime } = wordPriced({ acme: { period: 'day', hardUsd: 1, softUsd: 0.001 } });
    const { events } = await collect(runtime.stream({ agent: 'streamer', input: { chunks: 3, cost: 0.009 }, tenant: 'acme' }));
    expect(shapeOf(events)).toEqual(['start', 'warning:AGENTRY_BUDGET_SOFT_LIMIT', 'text-delta', 'text-delta', 'text-delta', 'usage', 'result']);
    expect(budget.stats().softWarnings).toBe(1);
  });

  it('warns past the soft limit when the final usage of a call that cost more than its estimate takes it there', async () => {
    const counters = createMemoryCounterStore();
    const budget = budgetMiddleware({ counters, limits: { acme: { period: 'day', hardUsd: 1, softUsd: 0.5 } }, estimate: () => 0.1 });
    const { runtime } = pricedRuntime([budget]);
    const { events } = await collect(runtime.stream({ agent: 'spender', input: { cost: 0.6 }, tenant: 'acme' }));
    expect(shapeOf(events)).toEqual(['start', 'usage', 'warning:AGENTRY_BUDGET_SOFT_LIMIT', 'result']);
    expect(await counters.get(todayKey())).toBe(600_000);
  });

  it('in dry-run mode reports a stream crossing the hard limit (warning and count) and lets it run to its result', async () => {
    const { counters, budget, runtime } = wordPriced({ acme: { period: 'day', hardUsd: 0.01 } }, { dryRun: true });
    // Enforced, this stream would end after its fourth word ($0.012), as the cut test shows.
    const { events, error } = await collect(runtime.stream({ agent: 'streamer', input: { chunks: 6, cost: 0.018 }, tenant: 'acme' }));
    expect(error).toBeUndefined();
    expect(shapeOf(events)).toEqual([
      'start',
      'text-delta',
      'text-delta',
      'text-delta',
      'warning:AGENTRY_BUDGET_DRY_RUN',
      'text-delta',
      'text-delta',
      'text-delta',
      'usage',
      'result',
    ]);
    expect(events.find((event) => event.type === 'warning')).toMatchObject({
      message: expect.stringMatching(/^invoke streamer@1\.0\.0 stopped: budget of tenant acme exhausted during the stream .*\(dry run: not stopped\)$/),
    });
    expect(budget.stats()).toMatchObject({ dryRunRefusals: 1, streamsCut: 0, refused: 0 });
    // Counted in full, as real spend: the dry run sees what enforcement would see.
    expect(await counters.get(todayKey())).toBe(18_000);
  });
});
