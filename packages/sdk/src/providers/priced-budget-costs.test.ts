import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Invocation } from '../core/invocation';
import { defineTaskPack } from '../core/task-pack';
import { budgetMiddleware } from '../middleware/budget/budget-middleware';
import { createRuntime } from '../runtime';
import { createMemoryCounterStore } from '../stores/memory-counter-store';
import { pricedBudgetCosts } from './priced-budget-costs';

const invocation = (input: unknown) => ({ input }) as Invocation;

describe('pricedBudgetCosts', () => {
  it('estimates the worst case from the price table: input JSON and overhead at the prompt price, max output at the output price', () => {
    // gpt-4o-mini: $0.15 input, $0.075 cached, $0.60 output per million tokens.
    const costs = pricedBudgetCosts({ provider: 'openai', model: 'gpt-4o-mini', maxOutputTokens: 1_000, promptOverheadTokens: 0 });
    // {"text":"abcd"} is 15 characters: 8 tokens at two characters a token.
    expect(costs.estimate(invocation({ text: 'abcd' }))).toBeCloseTo(8 * 0.15e-6 + 1_000 * 0.6e-6, 12);
    const looping = pricedBudgetCosts({ provider: 'openai', model: 'gpt-4o-mini', maxOutputTokens: 1_000, maxModelCalls: 3 });
    expect(looping.estimate(invocation({ text: 'abcd' }))).toBeCloseTo(3 * ((8 + 1_000) * 0.15e-6 + 1_000 * 0.6e-6), 12);
  });

  it('prices streamed text and tool calls as output, and nothing else', () => {
    const costs = pricedBudgetCosts({ provider: 'anthropic', model: 'claude-sonnet-4-5', maxOutputTokens: 100 });
    const outputPerToken = 15e-6; // $15 per million output tokens
    expect(costs.chunkCost({ type: 'text-delta', text: 'abcdef' }, invocation(null))).toBeCloseTo(3 * outputPerToken, 12);
    expect(costs.chunkCost({ type: 'tool-call', toolCallId: 't', name: 'search', args: { q: 'ab' } }, invocation(null))).toBeCloseTo(5 * outputPerToken, 12);
    expect(costs.chunkCost({ type: 'warning', warning: { code: 'AGENTRY_BUDGET_SOFT_LIMIT', message: 'm' } } as never, invocation(null))).toBe(0);
  });

  it('refuses a model the table does not know, and nonsense numbers, naming them', () => {
    expect(() => pricedBudgetCosts({ provider: 'openai', model: 'gpt-9', maxOutputTokens: 10 })).toThrow(expect.objectContaining({ code: 'AGENTRY_INVALID_OPTIONS', message: expect.stringContaining('openai:gpt-9') }));
    expect(() => pricedBudgetCosts({ provider: 'openai', model: 'gpt-4o-mini', maxOutputTokens: 0 })).toThrow(/maxOutputTokens/);
  });

  it('lets the budget end a stream that outruns its estimate after the chunk that crossed', async () => {
    const chatty = defineTaskPack({
      id: 'chatty',
      version: '1.0.0',
      description: 'Streams far more than its declared maximum.',
      streaming: true,
      input: z.object({ text: z.string() }),
      output: z.object({ text: z.string() }),
      async *handler() {
        for (let index = 0; index < 50; index++) yield { type: 'text-delta', text: 'x'.repeat(2_000) };
        return { text: 'done' };
      },
    });
    const costs = pricedBudgetCosts({ provider: 'openai', model: 'gpt-4o-mini', maxOutputTokens: 100 });
    // Room for the estimate (~$0.00021) and about five 1 000-token chunks ($0.0006 each), not fifty.
    const budget = budgetMiddleware({ counters: createMemoryCounterStore(), limits: { acme: { period: 'day', hardUsd: 0.0035 } }, ...costs });
    const runtime = createRuntime({ packs: [chatty], middleware: [budget] });
    let deltas = 0;
    let error: unknown;
    try {
      for await (const event of runtime.stream({ agent: 'chatty', input: { text: 'go' }, tenant: 'acme' })) if (event.type === 'text-delta') deltas++;
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'AGENTRY_BUDGET_EXCEEDED' });
    expect(deltas).toBeGreaterThan(0);
    expect(deltas).toBeLessThan(10);
    expect(budget.stats().streamsCut).toBe(1);
  });
});
