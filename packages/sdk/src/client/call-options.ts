import type { CacheControl } from '../core/types';

/** Options of one invoke, stream or submit. */
export interface CallOptions {
  /** Pin a version of the agent. @default the newest the host has */
  version?: string;
  /** The end user or system the call is made for. */
  subject?: string;
  /** Labels carried into usage events and audit records. */
  metadata?: Record<string, string>;
  /** Per-call cache control. */
  cache?: CacheControl;
  /** Cancels the call. */
  signal?: AbortSignal;
  /** Reuse to make a retried logical call return the first outcome. @default a new key per call, reused across its retries */
  idempotencyKey?: string;
  /** Correlation id echoed by the server. @default a new id per call */
  requestId?: string;
}

/** Options of submit. */
export interface SubmitOptions extends CallOptions {
  /** Deliver the job's outcome to this URL, signed per Standard Webhooks. */
  webhook?: { url: string };
}

/** Options of waiting for a job's result. */
export interface JobWaitOptions {
  signal?: AbortSignal;
  /** First poll delay in ms; grows by half each poll. @default 250 over HTTP, 5 in-process */
  pollIntervalMs?: number;
  /** Longest poll delay in ms. @default 5000 */
  maxPollIntervalMs?: number;
  /** Give up after this many ms with AGENTRY_TIMEOUT. @default no limit */
  timeoutMs?: number;
}
