// Budgets on a real redis-server that goes away while calls are under way: lost (the process
// ends) or hung (frozen: the socket stays open and nothing answers). A budget never waits on it
// longer than the store's command timeout, and never fails a call whose work is already done.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { StreamEvent } from '../../contract';
import { defineTaskPack } from '../../core/task-pack';
import { createRedisCounterStore } from '../../stores/redis';
import { startRedisServer, type RedisServer } from '../../../../../test/support/redis-server';
import { budgetMiddleware, type BudgetOptions } from './budget-middleware';
import { pricedRuntime, shapeOf, spender, streamer } from './budget-test-kit';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

type Outage = 'lost' | 'hung';
const outages: Outage[] = ['lost', 'hung'];

function takeDown(redis: RedisServer, outage: Outage): Promise<void> | void {
  return outage === 'lost' ? redis.stop() : redis.pause();
}

/** A redis-server of the test's own (it is taken down) and a $1-a-day budget counted on it. */
async function budgetOnRedis(options: Partial<BudgetOptions>) {
  const redis = await startRedisServer();
  cleanups.push(() => redis.stop());
  const counters = await createRedisCounterStore({ redis: redis.url, keyPrefix: 'budget-faults:', commandTimeoutMs: 300, connectTimeoutMs: 500 });
  cleanups.push(async () => counters.close?.());
  // A store's close waits for Redis to answer its QUIT: thaw a hung server first.
  cleanups.push(async () => redis.resume());
  const storeErrors: unknown[] = [];
  const budget = budgetMiddleware({
    counters,
    limits: { acme: { period: 'day', hardUsd: 1 } },
    estimate: () => 0.1,
    onError: (error) => storeErrors.push(error),
    ...options,
  });
  return { redis, budget, storeErrors };
}

/**
 * Streams six words under a budget that reserves $0.002 up front and prices each word at $0.003,
 * so every word must reserve more; Redis is taken down once two have arrived.
 */
async function streamThroughOutage(outage: Outage, failClosed: boolean) {
  const { redis, budget, storeErrors } = await budgetOnRedis({ estimate: () => 0.002, chunkCost: (event) => (event.type === 'text-delta' ? 0.003 : 0), failClosed });
  const { runtime } = pricedRuntime([budget]);
  const events: StreamEvent[] = [];
  let error: unknown;
  const started = Date.now();
  try {
    for await (const event of runtime.stream({ agent: 'streamer', input: { chunks: 6, cost: 0.018 }, tenant: 'acme' })) {
      events.push(event);
      if (events.filter((seen) => seen.type === 'text-delta').length === 2 && event.type === 'text-delta') await takeDown(redis, outage);
    }
  } catch (caught) {
    error = caught;
  }
  return { events, error, elapsedMs: Date.now() - started, stats: budget.stats(), storeErrors };
}

describe('budgetMiddleware on Redis, when Redis goes away during a stream', () => {
  it.each(outages)('ends the stream with AGENTRY_UNAVAILABLE when failing closed (Redis %s)', async (outage) => {
    const { events, error, elapsedMs, stats, storeErrors } = await streamThroughOutage(outage, true);
    expect(error).toMatchObject({
      code: 'AGENTRY_UNAVAILABLE',
      status: 503,
      message: expect.stringMatching(/^invoke streamer@1\.0\.0 refused: the budget counters of tenant acme are unavailable \(/),
    });
    // The word that found the store down was already paid for: it is delivered, nothing after it.
    expect(shapeOf(events)).toEqual(['start', 'text-delta', 'text-delta', 'text-delta']);
    expect(elapsedMs).toBeLessThan(3_000);
    // Its charge cannot be written either: counted and told, never silently lost.
    expect(stats).toMatchObject({ storeFailures: 1, settleFailures: 1, streamsCut: 0 });
    expect(storeErrors).toEqual([expect.objectContaining({ code: 'AGENTRY_STORE_UNAVAILABLE' })]);
  });

  it.each(outages)('goes on unchecked to its result with AGENTRY_BUDGET_UNCHECKED when failing open (Redis %s)', async (outage) => {
    const { events, error, elapsedMs, stats } = await streamThroughOutage(outage, false);
    expect(error).toBeUndefined();
    expect(shapeOf(events)).toEqual(['start', 'text-delta', 'text-delta', 'text-delta', 'warning:AGENTRY_BUDGET_UNCHECKED', 'text-delta', 'text-delta', 'text-delta', 'usage', 'result']);
    expect(events.find((event) => event.type === 'warning')).toMatchObject({
      message: expect.stringMatching(/^budget of tenant acme no longer checked during the stream: the counter store failed \(.*\); failing open$/),
    });
    // Once unchecked it stops asking the store, so a hung Redis costs one timeout, not one per word.
    expect(elapsedMs).toBeLessThan(3_000);
    expect(stats).toMatchObject({ storeFailures: 1, unchecked: 1, settleFailures: 1 });
  });
});

describe('budgetMiddleware on Redis, when Redis is lost before the call settles', () => {
  let duringAnswer: () => Promise<void> = async () => {};
  /** Costs what `input.cost` says, after `duringAnswer`: its reservation is made, its settlement not yet. */
  const slow = defineTaskPack({
    id: 'slow',
    version: '1.0.0',
    description: 'answers after the test had its way',
    input: z.object({ cost: z.number() }),
    output: z.object({ ok: z.boolean() }),
    async handler(input, context) {
      await duringAnswer();
      await context.model.generate({ messages: [{ role: 'user', content: `cost ${input.cost}` }] });
      return { ok: true };
    },
  });

  it.each([
    ['cheaper', 0.05],
    ['dearer', 0.2],
  ])('delivers a call %s than its $0.10 estimate and counts the settlement it could not write', async (_kind, cost) => {
    const { redis, budget, storeErrors } = await budgetOnRedis({});
    duringAnswer = () => redis.stop();
    const { runtime } = pricedRuntime([budget], [spender, streamer, slow]);
    await expect(runtime.invoke({ agent: 'slow', input: { cost }, tenant: 'acme' })).resolves.toMatchObject({ output: { ok: true }, usage: { costUsd: cost } });
    expect(budget.stats()).toMatchObject({ allowed: 1, storeFailures: 0, settleFailures: 1 });
    expect(storeErrors).toEqual([expect.objectContaining({ code: 'AGENTRY_STORE_UNAVAILABLE' })]);
  });
});
