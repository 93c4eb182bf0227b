export { createLocalModel, countTokens, type LocalModelOptions } from './local-model';
export { createOpenAICompatibleProvider, type OpenAICompatibleProviderOptions } from './openai-compatible-provider';
export type { MaxTokensField } from './openai-wire';
export { createAnthropicProvider, type AnthropicProviderOptions } from './anthropic-provider';
export { createFallbackProvider, type FallbackProviderOptions, type FallbackInfo } from './fallback-provider';
export { createModelFromSpec, type ModelFromSpecOptions } from './model-from-spec';
export type { HttpProviderOptions, ProviderRetryOptions, ProviderRetryInfo } from './provider-settings';
export {
  defaultPriceTable,
  createPriceTable,
  parsePriceTable,
  findPrice,
  priceEntrySchema,
  priceTableSchema,
  type PriceEntry,
  type PriceTable,
  type PriceTableOverrides,
} from './price-table';
export { createCostFunction, costOfUsage, type CostFunctionOptions, type PricedCostFunction } from './cost-function';
export { pricedBudgetCosts, type PricedBudgetCosts, type PricedBudgetCostsOptions } from './priced-budget-costs';
