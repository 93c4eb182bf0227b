import { z } from 'zod';
import { errorBodySchema } from './error-envelope';
import { invokeRequestSchema, invokeResultSchema } from './invocation';

/** Where to deliver a job's outcome, signed per Standard Webhooks. */
export const webhookTargetSchema = z.object({ url: z.url({ protocol: /^https?$/ }) });

/** Body of `POST /v1/agents/{agent}/jobs`. */
export const jobCreateRequestSchema = invokeRequestSchema.extend({ webhook: webhookTargetSchema.optional() });
export type JobCreateRequest = z.infer<typeof jobCreateRequestSchema>;

// Enums are written as objects, not arrays, throughout: the declaration emitter prints an array enum's
// members in the compiler's internal type order, which differs between machines, and the API report
// (a semver gate) must read the same everywhere. An object literal prints in source order.
export const jobStatusSchema = z.enum({ queued: 'queued', running: 'running', succeeded: 'succeeded', failed: 'failed', cancelled: 'cancelled' });
export type JobStatus = z.infer<typeof jobStatusSchema>;

/** Statuses after which a job never changes again. */
export const finalJobStatuses: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

/** A job as returned by `POST .../jobs` (202), `GET /v1/jobs/{id}` and `DELETE /v1/jobs/{id}`. */
export const jobSchema = z.object({
  jobId: z.string(),
  agent: z.string(),
  status: jobStatusSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Present once the job succeeded. */
  result: invokeResultSchema.optional(),
  /** Present once the job failed or was cancelled. */
  error: errorBodySchema.optional(),
  webhook: z
    .object({
      url: z.string(),
      /** Delivery state of the final notification. */
      delivery: z.enum({ pending: 'pending', delivered: 'delivered', failed: 'failed' }),
      attempts: z.number().int().nonnegative(),
    })
    .optional(),
});
export type Job = z.infer<typeof jobSchema>;

/** The JSON payload of a job webhook, in Standard Webhooks form `{type, timestamp, data}`. */
export const jobWebhookPayloadSchema = z.object({
  type: z.enum({ 'job.succeeded': 'job.succeeded', 'job.failed': 'job.failed', 'job.cancelled': 'job.cancelled' }),
  timestamp: z.string(),
  data: jobSchema,
});
export type JobWebhookPayload = z.infer<typeof jobWebhookPayloadSchema>;
