import { z } from 'zod';

const tokens = z.number().int().nonnegative();

/**
 * Token counts of a model call. `inputTokens` counts every prompt token, including those read
 * from or written to a provider's prompt cache; `cachedInputTokens` and `cacheWriteTokens` say
 * how many of them were, so cost can price each kind by the provider's rule.
 */
export const tokenUsageSchema = z.object({
  inputTokens: tokens,
  outputTokens: tokens,
  cachedInputTokens: tokens,
  cacheWriteTokens: tokens,
  reasoningTokens: tokens,
});
export type TokenUsage = z.infer<typeof tokenUsageSchema>;

/** Usage of one invocation: tokens, cost and timing. Reported in every result and `usage` event. */
export const usageSchema = tokenUsageSchema.extend({
  /** Cost in US dollars, from the price table; 0 for the local model and for cache hits. */
  costUsd: z.number().nonnegative(),
  /** Wall time of the invocation in milliseconds. */
  latencyMs: z.number().nonnegative(),
  /** Milliseconds until the first streamed event, when the call streamed. */
  timeToFirstEventMs: z.number().nonnegative().optional(),
  /** Number of model calls the agent made. */
  modelCalls: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof usageSchema>;

/** A zero usage record, the start of every accumulation. */
export function emptyTokenUsage(): TokenUsage {
  return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
}

/** Adds `extra` into `total` in place and returns it. */
export function addTokenUsage(total: TokenUsage, extra: Partial<TokenUsage>): TokenUsage {
  total.inputTokens += extra.inputTokens ?? 0;
  total.outputTokens += extra.outputTokens ?? 0;
  total.cachedInputTokens += extra.cachedInputTokens ?? 0;
  total.cacheWriteTokens += extra.cacheWriteTokens ?? 0;
  total.reasoningTokens += extra.reasoningTokens ?? 0;
  return total;
}
