import type { TokenUsage } from '../contract';
import { defaultPriceTable, findPrice, type PriceEntry, type PriceTable } from './price-table';

/** Options of {@link createCostFunction}. */
export interface CostFunctionOptions {
  /** Called once per provider and model the table has no price for; such calls cost 0. @default none */
  onUnknownModel?: (provider: string, modelId: string) => void;
}

/** The runtime's CostFunction, plus the models it could not price. */
export interface PricedCostFunction {
  (provider: string, modelId: string, usage: TokenUsage): number;
  /** `provider:modelId` of every call priced at 0 because the table does not list the model. */
  readonly unknownModels: ReadonlySet<string>;
}

/**
 * Turns token usage into US dollars with a price table; pass it to `createRuntime({ costOf })`.
 *
 * Providers count cached prompt tokens differently (OpenAI inside `prompt_tokens`, Anthropic apart
 * from `input_tokens`); the providers normalise that into TokenUsage, where `inputTokens` counts
 * every prompt token. So one rule prices both: uncached input at `input`, cache reads at
 * `cachedInput`, cache writes at `cacheWrite`, and output (reasoning included) at `output`.
 * A model the table lacks costs 0 and is reported through `onUnknownModel` and `unknownModels`.
 *
 * @example
 * const costOf = createCostFunction(createPriceTable(), { onUnknownModel: (p, m) => logger.warn(`no price for ${p}:${m}`) });
 * const runtime = createRuntime({ packs, model, costOf });
 */
export function createCostFunction(table: PriceTable = defaultPriceTable, options: CostFunctionOptions = {}): PricedCostFunction {
  const unknownModels = new Set<string>();
  const costOf = (provider: string, modelId: string, usage: TokenUsage): number => {
    const price = findPrice(table, provider, modelId);
    if (price === undefined) {
      const key = `${provider}:${modelId}`;
      if (!unknownModels.has(key)) {
        unknownModels.add(key);
        options.onUnknownModel?.(provider, modelId);
      }
      return 0;
    }
    return costOfUsage(price, usage);
  };
  return Object.assign(costOf, { unknownModels: unknownModels as ReadonlySet<string> });
}

/** The cost in US dollars of one call's usage at one model's prices. */
export function costOfUsage(price: PriceEntry, usage: TokenUsage): number {
  const cacheRead = usage.cachedInputTokens;
  const cacheWrite = usage.cacheWriteTokens;
  const uncached = Math.max(0, usage.inputTokens - cacheRead - cacheWrite);
  const microDollars =
    uncached * price.input +
    cacheRead * (price.cachedInput ?? price.input) +
    cacheWrite * (price.cacheWrite ?? price.input) +
    usage.outputTokens * price.output;
  return microDollars / 1_000_000;
}
