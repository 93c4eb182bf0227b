import { z } from 'zod';
import { evalScoreSchema } from './invocation';

const tokens = z.number().int().nonnegative();

/**
 * How an invocation ended, as metering records it: `refused` when a policy (budget, governance,
 * rate limit) declined the call, `cancelled` when the caller or a shutdown stopped it.
 */
export const usageOutcomeSchema = z.enum({ success: 'success', error: 'error', refused: 'refused', cancelled: 'cancelled' });
export type UsageOutcome = z.infer<typeof usageOutcomeSchema>;

/** The evaluations of one invocation: counts, the names of the ones that did not pass, and every score. */
export const usageEvalSummarySchema = z.object({
  /** Evaluators that produced a score (sampled in). */
  total: z.number().int().nonnegative(),
  passed: z.number().int().nonnegative(),
  /** Evaluators that threw or timed out (counted in `total`, never as passed). */
  errored: z.number().int().nonnegative(),
  /** Names of the evaluators that did not pass, errored ones included. */
  failed: z.array(z.string()),
  /** Each evaluator's score, pass and reason (or error), in the order they ran. Absent in records written before 0.2. */
  scores: z.array(evalScoreSchema).optional(),
});
export type UsageEvalSummary = z.infer<typeof usageEvalSummarySchema>;

/**
 * One usage record per invocation, whatever its outcome: the unit of metering, billing and the
 * KPI report. Written by the meter middleware to memory, JSON Lines files or an append log.
 * `schemaVersion` lets readers accept older lines as fields are added.
 *
 * Named "record" rather than "event" because `usageEventSchema` already names the stream's
 * `usage` event (stream-events.ts); the two are different things.
 */
export const usageRecordSchema = z.object({
  schemaVersion: z.literal(1),
  /** When the invocation ended, ISO 8601 in UTC. */
  timestamp: z.string(),
  requestId: z.string(),
  /** The invocation id (`inv_...`), also the result's id. */
  invocationId: z.string(),
  tenant: z.string(),
  /** The end user or system the call was for, when known. */
  subject: z.string().optional(),
  agent: z.string(),
  version: z.string(),
  /** Experiment variant that served the call, or null outside experiments. */
  variant: z.string().nullable(),
  mode: z.enum({ invoke: 'invoke', stream: 'stream', job: 'job' }),
  inputTokens: tokens,
  outputTokens: tokens,
  cachedInputTokens: tokens,
  cacheWriteTokens: tokens,
  reasoningTokens: tokens,
  /** Model cost in US dollars; 0 for a cache hit. */
  costUsd: z.number().nonnegative(),
  /** Model cost a cache hit saved, in US dollars. */
  savedCostUsd: z.number().nonnegative().optional(),
  /** What evaluating the result cost (LLM judges), in US dollars, apart from `costUsd`; absent when nothing. */
  evalCostUsd: z.number().nonnegative().optional(),
  /** Wall time from the invocation's start to its end, middleware included. */
  latencyMs: z.number().nonnegative(),
  /** Milliseconds until the first streamed text or tool call, when there was one. */
  timeToFirstEventMs: z.number().nonnegative().optional(),
  cacheHit: z.boolean(),
  outcome: usageOutcomeSchema,
  /** The catalogue code of the failure, for every outcome but `success`. */
  errorCode: z.string().optional(),
  evals: usageEvalSummarySchema,
  /** Free-form labels the caller attached to the invocation. */
  metadata: z.record(z.string(), z.string()).optional(),
});
export type UsageRecord = z.infer<typeof usageRecordSchema>;
