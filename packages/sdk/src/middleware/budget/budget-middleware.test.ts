import { describe, expect, it } from 'vitest';
import { AgentryError } from '../../contract';
import type { Middleware } from '../../core/middleware';
import { createRuntime } from '../../runtime';
import type { CounterStore } from '../../stores/counter-store';
import { createMemoryCounterStore } from '../../stores/memory-counter-store';
import { windowOf } from './budget-limits';
import { budgetMiddleware, type BudgetOptions } from './budget-middleware';
import { collect as events, pricedRuntime, streamer } from './budget-test-kit';

function setup(options: Partial<BudgetOptions> = {}, counters: CounterStore = createMemoryCounterStore()) {
  const budget = budgetMiddleware({
    counters,
    limits: { acme: { period: 'day', hardUsd: 1, softUsd: 0.5 } },
    estimate: (invocation) => (invocation.input as { cost?: number }).cost ?? 0.1,
    ...options,
  });
  return { budget, counters, runtime: pricedRuntime([budget]).runtime };
}

const today = windowOf('day', Date.now()).id;

describe('budgetMiddleware', () => {
  it('refuses a request once the tenant budget is spent, naming tenant and agent', async () => {
    const counters = createMemoryCounterStore();
    const { budget } = setup({}, counters);
    const calls = pricedRuntime([budget]);
    await calls.invoke({ input: { cost: 0.6 }, tenant: 'acme' });
    await calls.invoke({ input: { cost: 0.4 }, tenant: 'acme' });
    expect(await counters.get(`agentry:budget:acme:tenant:${today}`)).toBe(1_000_000);
    const refusal = calls.invoke({ input: { cost: 0.01 }, tenant: 'acme' });
    await expect(refusal).rejects.toMatchObject({
      code: 'AGENTRY_BUDGET_EXCEEDED',
      status: 402,
      message: expect.stringMatching(/^invoke spender@1\.0\.0 refused: budget of tenant acme exhausted \(\$1\.00 of \$1\.00/),
      details: expect.objectContaining({ scope: 'tenant', tenant: 'acme', limitUsd: 1, spentUsd: 1 }),
    });
    expect(budget.stats()).toMatchObject({ allowed: 2, refused: 1 });
    // Tenants without a budget are not limited.
    await expect(calls.invoke({ input: { cost: 5 }, tenant: 'other' })).resolves.toMatchObject({ output: { ok: true } });
  });

  it('settles the reservation to the actual cost, so a cheap call frees the rest of its estimate', async () => {
    const counters = createMemoryCounterStore();
    const budget = budgetMiddleware({ counters, limits: { acme: { period: 'day', hardUsd: 1 } }, estimate: () => 0.9 });
    const calls = pricedRuntime([budget]);
    for (let index = 0; index < 5; index++) await calls.invoke({ input: { cost: 0.01 }, tenant: 'acme' });
    expect(await counters.get(`agentry:budget:acme:tenant:${today}`)).toBe(50_000);
  });

  it('warns with AGENTRY_BUDGET_SOFT_LIMIT past the soft limit without refusing', async () => {
    const { runtime } = setup();
    const first = await events(runtime.stream({ agent: 'spender', input: { cost: 0.3 }, tenant: 'acme' }));
    expect(first.events.some((event) => event.type === 'warning')).toBe(false);
    const second = await events(runtime.stream({ agent: 'spender', input: { cost: 0.3 }, tenant: 'acme' }));
    expect(second.error).toBeUndefined();
    expect(second.events.find((event) => event.type === 'warning')).toEqual({
      type: 'warning',
      code: 'AGENTRY_BUDGET_SOFT_LIMIT',
      message: expect.stringContaining('budget of tenant acme is past its soft limit'),
    });
  });

  it('keeps separate envelopes per subject and per run inside the tenant budget', async () => {
    const budget = budgetMiddleware({
      counters: createMemoryCounterStore(),
      limits: { '*': { period: 'month', hardUsd: 10, subject: { period: 'day', hardUsd: 0.5 }, run: { hardUsd: 0.3 } } },
      estimate: (invocation) => (invocation.input as { cost: number }).cost,
    });
    const calls = pricedRuntime([budget]);
    await calls.invoke({ input: { cost: 0.2 }, tenant: 'acme', subject: 'u-1', metadata: { runId: 'r-1' } });
    await expect(calls.invoke({ input: { cost: 0.2 }, tenant: 'acme', subject: 'u-1', metadata: { runId: 'r-1' } })).rejects.toMatchObject({
      code: 'AGENTRY_BUDGET_EXCEEDED',
      message: expect.stringContaining('budget of run r-1 of tenant acme exhausted'),
    });
    await calls.invoke({ input: { cost: 0.2 }, tenant: 'acme', subject: 'u-1', metadata: { runId: 'r-2' } });
    await expect(calls.invoke({ input: { cost: 0.2 }, tenant: 'acme', subject: 'u-1' })).rejects.toMatchObject({
      message: expect.stringContaining('budget of subject u-1 of tenant acme exhausted'),
    });
    await expect(calls.invoke({ input: { cost: 0.2 }, tenant: 'acme', subject: 'u-2' })).resolves.toBeDefined();
  });

  it('in dry-run mode reports what it would refuse (warning event and count) and refuses nothing', async () => {
    const { budget, runtime } = setup({ dryRun: true, limits: { acme: { period: 'day', hardUsd: 0.15 } } });
    await runtime.invoke({ agent: 'spender', input: { cost: 0.1 }, tenant: 'acme' });
    const second = await events(runtime.stream({ agent: 'spender', input: { cost: 0.1 }, tenant: 'acme' }));
    expect(second.error).toBeUndefined();
    expect(second.events.find((event) => event.type === 'warning')).toEqual({
      type: 'warning',
      code: 'AGENTRY_BUDGET_DRY_RUN',
      message: expect.stringMatching(/^invoke spender@1\.0\.0 refused: budget of tenant acme exhausted .*\(dry run: allowed\)$/),
    });
    expect(budget.stats()).toMatchObject({ refused: 0, dryRunRefusals: 1, allowed: 1 });
  });

  it('ends a stream that crosses the hard limit right after the crossing chunk (at most one chunk over)', async () => {
    const counters = createMemoryCounterStore();
    const budget = budgetMiddleware({
      counters,
      limits: { acme: { period: 'day', hardUsd: 0.01 } },
      estimate: () => 0.002,
      chunkCost: (event) => (event.type === 'text-delta' ? 0.003 : 0),
    });
    const runtime = createRuntime({ packs: [streamer], middleware: [budget] });
    const { events: seen, error } = await events(runtime.stream({ agent: 'streamer', input: { chunks: 10 }, tenant: 'acme' }));
    expect(error).toMatchObject({ code: 'AGENTRY_BUDGET_EXCEEDED', message: expect.stringContaining('stopped: budget of tenant acme exhausted during the stream') });
    // 3 chunks = $0.009 fit in $0.01; the 4th ($0.012) crosses, is delivered, and the stream ends.
    expect(seen.filter((event) => event.type === 'text-delta')).toHaveLength(4);
    expect(seen.some((event) => event.type === 'result')).toBe(false);
    expect(await counters.get(`agentry:budget:acme:tenant:${today}`)).toBe(12_000);
    expect(budget.stats().streamsCut).toBe(1);
  });

  it('fails closed with AGENTRY_UNAVAILABLE when the counter store fails, or lets calls through with a warning when failing open', async () => {
    const broken: CounterStore = {
      get: () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')),
      increment: () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')),
      incrementIfWithin: () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')),
    };
    const closed = setup({}, broken);
    await expect(closed.runtime.invoke({ agent: 'spender', input: { cost: 0.1 }, tenant: 'acme' })).rejects.toMatchObject({
      code: 'AGENTRY_UNAVAILABLE',
      message: expect.stringMatching(/^invoke spender@1\.0\.0 refused: the budget counters of tenant acme are unavailable \(ECONNREFUSED/),
    });
    expect(closed.budget.stats().storeFailures).toBe(1);
    const open = setup({ failClosed: false }, broken);
    const result = await events(open.runtime.stream({ agent: 'spender', input: { cost: 0.1 }, tenant: 'acme' }));
    expect(result.error).toBeUndefined();
    expect(result.events.find((event) => event.type === 'warning')).toMatchObject({ code: 'AGENTRY_BUDGET_UNCHECKED' });
    expect(open.budget.stats().unchecked).toBe(1);
  });

  it('charges the reservation of a call that failed after doing work, and releases it on an inner refusal', async () => {
    const counters = createMemoryCounterStore();
    const refuse: Middleware = {
      name: 'refuse',
      // eslint-disable-next-line require-yield
      async *handle() {
        throw new AgentryError('AGENTRY_FORBIDDEN_TOOL', 'tier does not allow it');
      },
    };
    const options = { counters, limits: { acme: { period: 'day' as const, hardUsd: 1 } }, estimate: () => 0.25 };
    const failing = pricedRuntime([budgetMiddleware(options)]);
    await expect(failing.invoke({ input: { cost: 0.1, fail: true }, tenant: 'acme' })).rejects.toMatchObject({ code: 'AGENTRY_UPSTREAM_ERROR' });
    expect(await counters.get(`agentry:budget:acme:tenant:${today}`)).toBe(250_000);
    const refused = pricedRuntime([budgetMiddleware(options), refuse]);
    await expect(refused.invoke({ input: { cost: 0.1 }, tenant: 'acme' })).rejects.toMatchObject({ code: 'AGENTRY_FORBIDDEN_TOOL' });
    expect(await counters.get(`agentry:budget:acme:tenant:${today}`)).toBe(250_000);
    const observed = pricedRuntime([budgetMiddleware({ ...options, chargeOnFailure: 'observed' })]);
    await expect(observed.invoke({ input: { cost: 0.1, fail: true }, tenant: 'acme' })).rejects.toMatchObject({ code: 'AGENTRY_UPSTREAM_ERROR' });
    expect(await counters.get(`agentry:budget:acme:tenant:${today}`)).toBe(250_000);
  });

  it('charges an abandoned stream its reservation (the model may have kept generating)', async () => {
    const counters = createMemoryCounterStore();
    const budget = budgetMiddleware({ counters, limits: { acme: { period: 'day', hardUsd: 1 } }, estimate: () => 0.05 });
    const runtime = createRuntime({ packs: [streamer], middleware: [budget] });
    for await (const event of runtime.stream({ agent: 'streamer', input: { chunks: 5 }, tenant: 'acme' })) {
      if (event.type === 'text-delta') break;
    }
    expect(await counters.get(`agentry:budget:acme:tenant:${today}`)).toBe(50_000);
  });

  it('counts spend per period window: a new day starts from zero', async () => {
    let now = Date.UTC(2025, 5, 1, 23, 59);
    const counters = createMemoryCounterStore({ now: () => now });
    const budget = budgetMiddleware({ counters, limits: { acme: { period: 'day', hardUsd: 0.1 } }, estimate: () => 0.1, now: () => now });
    const calls = pricedRuntime([budget]);
    await calls.invoke({ input: { cost: 0.1 }, tenant: 'acme' });
    await expect(calls.invoke({ input: { cost: 0.1 }, tenant: 'acme' })).rejects.toMatchObject({ code: 'AGENTRY_BUDGET_EXCEEDED' });
    now += 2 * 60_000;
    await expect(calls.invoke({ input: { cost: 0.1 }, tenant: 'acme' })).resolves.toBeDefined();
  });

  it('names the bad field of an invalid limit or estimate with AGENTRY_INVALID_OPTIONS', async () => {
    expect(() => setup({ limits: { acme: { period: 'week' as never, hardUsd: 1 } } })).toThrow(
      "budgetMiddleware: budget of tenant acme: `period` must be 'day', 'month' or a positive whole number of milliseconds, got \"week\"",
    );
    expect(() => setup({ limits: { acme: { period: 'day', hardUsd: 1, subject: { period: 'day', hardUsd: -1 } } } })).toThrow(
      'budget of tenant acme: subject: `hardUsd` must be a non-negative number',
    );
    const badDynamic = setup({ limits: () => ({ period: 'day', hardUsd: Number.NaN }) });
    await expect(badDynamic.runtime.invoke({ agent: 'spender', input: { cost: 0.1 }, tenant: 'acme' })).rejects.toMatchObject({
      code: 'AGENTRY_INVALID_OPTIONS',
      message: expect.stringContaining('budget of tenant acme: `hardUsd`'),
    });
    const badEstimate = setup({ estimate: () => Number.NaN });
    await expect(badEstimate.runtime.invoke({ agent: 'spender', input: { cost: 0.1 }, tenant: 'acme' })).rejects.toMatchObject({
      code: 'AGENTRY_INVALID_OPTIONS',
      message: expect.stringContaining('`estimate` returned NaN'),
    });
    expect(() => budgetMiddleware({ counters: createMemoryCounterStore(), limits: {} } as never)).toThrow('`estimate` must be a function');
  });
});

describe('windowOf', () => {
  it('names UTC days, UTC months and fixed millisecond windows, with a TTL to the window end', () => {
    const at = Date.UTC(2025, 0, 31, 12);
    expect(windowOf('day', at)).toEqual({ id: '2025-01-31', label: 'day', ttlMs: 12 * 3_600_000 + 60_000 });
    expect(windowOf('month', at)).toEqual({ id: '2025-01', label: 'month', ttlMs: 12 * 3_600_000 + 60_000 });
    expect(windowOf(3_600_000, at)).toMatchObject({ id: `3600000ms:${Math.floor(at / 3_600_000)}`, ttlMs: 3_600_000 + 60_000 });
  });
});
