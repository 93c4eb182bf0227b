import { z } from 'zod';
import { usageSchema } from './usage';

/** Identifier of an agent: lowercase words joined by dashes, optionally scoped (`acme/triage`). */
export const agentIdSchema = z
  .string()
  .regex(/^(?:[a-z0-9][a-z0-9-]*\/)?[a-z0-9][a-z0-9-]{0,62}$/, 'agent ids are lowercase letters, digits and dashes');

/** A semantic version `MAJOR.MINOR.PATCH` with optional pre-release. */
export const semverSchema = z
  .string()
  .regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/, 'must be a semantic version such as 1.2.0');

/** Per-call cache control. */
export const cacheControlSchema = z.object({
  /** Skip the cache for this call: neither read nor write. */
  bypass: z.boolean().optional(),
  /** Run the agent even on a hit and replace the cached entry. */
  refresh: z.boolean().optional(),
});

/** Body of `POST /v1/agents/{agent}/invoke` and `/stream`. */
export const invokeRequestSchema = z.object({
  /** The agent's input; validated against its input schema. */
  input: z.unknown(),
  /** Pin a version of the agent; the newest hosted one otherwise. */
  version: semverSchema.optional(),
  /** The end user or system the call is made for (metering, budgets, sticky experiments). */
  subject: z.string().min(1).max(200).optional(),
  /** Free-form labels carried into usage events and audit records. */
  metadata: z.record(z.string(), z.string()).optional(),
  cache: cacheControlSchema.optional(),
});
export type InvokeRequest = z.infer<typeof invokeRequestSchema>;

/** One evaluator's verdict on a result. */
export const evalScoreSchema = z.object({
  name: z.string(),
  score: z.number(),
  pass: z.boolean(),
  reason: z.string().optional(),
  /** Set when the evaluator itself failed; such a score never counts as a pass. */
  error: z.string().optional(),
  /**
   * What the evaluation itself cost in US dollars (an LLM judge's model call). Not part of the
   * call's `usage`: usage records carry it as `evalCostUsd`.
   */
  costUsd: z.number().nonnegative().optional(),
});
export type EvalScore = z.infer<typeof evalScoreSchema>;

/** Whether the result came from the cache. */
export const cacheInfoSchema = z.object({
  hit: z.boolean(),
  /** Model cost the hit saved, in US dollars. */
  savedCostUsd: z.number().nonnegative().optional(),
});
export type CacheInfo = z.infer<typeof cacheInfoSchema>;

/** The result of an invocation, as returned by invoke, the stream's `result` event and a finished job. */
export const invokeResultSchema = z.object({
  /** Unique id of this invocation. */
  id: z.string(),
  agent: z.string(),
  version: z.string(),
  output: z.unknown(),
  usage: usageSchema,
  cache: cacheInfoSchema,
  evals: z.array(evalScoreSchema),
  /** Experiment variant that served the call, or null outside experiments. */
  variant: z.string().nullable(),
  requestId: z.string(),
});
export type InvokeResult<Output = unknown> = Omit<z.infer<typeof invokeResultSchema>, 'output'> & { output: Output };
