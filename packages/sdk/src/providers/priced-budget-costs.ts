import { AgentryError } from '../contract';
import type { AgentEvent, Invocation } from '../core/invocation';
import { defaultPriceTable, findPrice, type PriceTable } from './price-table';

/** Options of {@link pricedBudgetCosts}. */
export interface PricedBudgetCostsOptions {
  /** Provider name in the price table, e.g. `openai` or `anthropic`. */
  provider: string;
  /** Model id in the price table, e.g. `gpt-4o-mini`. */
  model: string;
  /** The most output tokens a call may produce (the pack's or the provider's `maxTokens`). */
  maxOutputTokens: number;
  /** Prompt tokens a call adds to its input: system prompt, instructions, retrieved context. @default 1000 */
  promptOverheadTokens?: number;
  /** Model calls one invocation may make (an agent loop calls the model several times). @default 1 */
  maxModelCalls?: number;
  /** @default defaultPriceTable */
  table?: PriceTable;
}

/** The two budget hooks, to spread into `budgetMiddleware` options. */
export interface PricedBudgetCosts {
  estimate: (invocation: Invocation) => number;
  chunkCost: (event: AgentEvent, invocation: Invocation) => number;
}

// JSON text holds at least one token per four characters for the common tokenizers; counting a
// token per two characters keeps the estimate on the safe (high) side for code and non-Latin text.
const charsPerToken = 2;

/**
 * Budget costs from the price table, so a budget needs no hand-written guesses: `estimate` is a
 * call's worst case (its input JSON and `promptOverheadTokens` at the dearest prompt price, cache
 * writes included, plus `maxOutputTokens` at the output price, times `maxModelCalls`) and
 * `chunkCost` prices each streamed text delta or tool call as output as it passes, so a stream
 * that outruns its reservation is caught after the chunk that crossed.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` when the model is not in the table or a number is not positive.
 * @example
 * const budget = budgetMiddleware({ budgets, counters, ...pricedBudgetCosts({ provider: 'openai', model: 'gpt-4o-mini', maxOutputTokens: 1024 }) });
 */
export function pricedBudgetCosts(options: PricedBudgetCostsOptions): PricedBudgetCosts {
  const table = options.table ?? defaultPriceTable;
  const price = findPrice(table, options.provider, options.model);
  if (price === undefined) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `pricedBudgetCosts: ${options.provider}:${options.model} is not in price table ${table.version}`, {
      hint: 'Add the model to the table (createPriceTable({ ... })), or pass `table`.',
    });
  }
  const overhead = options.promptOverheadTokens ?? 1_000;
  const calls = options.maxModelCalls ?? 1;
  for (const [field, value] of [['maxOutputTokens', options.maxOutputTokens], ['promptOverheadTokens', overhead], ['maxModelCalls', calls]] as const) {
    if (!Number.isSafeInteger(value) || value < (field === 'promptOverheadTokens' ? 0 : 1)) {
      throw new AgentryError('AGENTRY_INVALID_OPTIONS', `pricedBudgetCosts: \`${field}\` must be a whole number${field === 'promptOverheadTokens' ? '' : ' >= 1'}, got ${String(value)}`);
    }
  }
  const promptUsdPerToken = Math.max(price.input, price.cacheWrite ?? 0, price.cachedInput ?? 0) / 1e6;
  const outputUsdPerToken = price.output / 1e6;
  return {
    estimate(invocation) {
      const inputTokens = Math.ceil((JSON.stringify(invocation.input) ?? '').length / charsPerToken) + overhead;
      return calls * (inputTokens * promptUsdPerToken + options.maxOutputTokens * outputUsdPerToken);
    },
    chunkCost(event) {
      if (event.type === 'text-delta') return Math.ceil(event.text.length / charsPerToken) * outputUsdPerToken;
      if (event.type === 'tool-call') return Math.ceil((JSON.stringify(event.args) ?? '').length / charsPerToken) * outputUsdPerToken;
      return 0;
    },
  };
}
