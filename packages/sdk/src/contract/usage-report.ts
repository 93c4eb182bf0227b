import { z } from 'zod';

const count = z.number().int().nonnegative();

/**
 * Usage figures of a group of invocations (a tenant's total, or one agent of it) in a time
 * window. `calls` is `successes + errors + refused + cancelled`.
 */
export const usageFiguresSchema = z.object({
  /** Invocations that ended in the window, whatever their outcome. */
  calls: count,
  successes: count,
  /** Invocations that failed (outcome `error`). */
  errors: count,
  /** Invocations a policy declined: budget, governance, rate limit. */
  refused: count,
  /** Invocations the caller, a deadline of the server or a shutdown stopped. */
  cancelled: count,
  inputTokens: count,
  outputTokens: count,
  cachedInputTokens: count,
  cacheWriteTokens: count,
  reasoningTokens: count,
  /** Model cost in US dollars. */
  costUsd: z.number().nonnegative(),
  /** Model cost that cache hits saved, in US dollars. */
  savedCostUsd: z.number().nonnegative(),
  /** Invocations answered from the cache. */
  cacheHits: count,
});
export type UsageFigures = z.infer<typeof usageFiguresSchema>;

/** One agent's figures in a {@link UsageReport}. */
export const agentUsageSchema = usageFiguresSchema.extend({
  /** The agent id (every version of it together). */
  agent: z.string(),
});
export type AgentUsage = z.infer<typeof agentUsageSchema>;

/**
 * Body of `GET /v1/usage`: the calling tenant's usage in a window, in total and per agent. The
 * server counts usage in whole intervals of `granularityMs`, so `from` and `to` are the requested
 * bounds widened to them; usage older than `retainedSince` is no longer held.
 */
export const usageReportSchema = z.object({
  /** The tenant of the API key that asked: a report never covers another tenant. */
  tenant: z.string(),
  /** Start of the window (inclusive), ISO 8601 in UTC. */
  from: z.string(),
  /** End of the window (exclusive), ISO 8601 in UTC. */
  to: z.string(),
  /** Width of the intervals usage is counted in, in ms. */
  granularityMs: z.number().int().positive(),
  /** The oldest time the server still holds usage for, ISO 8601 in UTC. */
  retainedSince: z.string(),
  totals: usageFiguresSchema,
  /** One entry per agent with calls in the window, sorted by agent id. */
  agents: z.array(agentUsageSchema),
});
export type UsageReport = z.infer<typeof usageReportSchema>;
