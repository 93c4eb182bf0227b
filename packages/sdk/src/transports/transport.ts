import type { AgentManifest, InvokeResult, Job, StreamEvent } from '../contract';
import type { CacheControl } from '../core/types';

/** One logical call as the client hands it to a transport. Ids are fixed per logical call and reused across retries. */
export interface TransportCall {
  agent: string;
  input: unknown;
  version?: string;
  subject?: string;
  metadata?: Record<string, string>;
  cache?: CacheControl;
  requestId: string;
  idempotencyKey: string;
  signal?: AbortSignal;
}

/** A call submitted as a job. */
export interface TransportJobCall extends TransportCall {
  webhook?: { url: string };
}

/**
 * How a client reaches agents: in-process (local) or over agentry.v1 (http). Every method throws
 * AgentryError. `stream` yields events in batches (one per network chunk over HTTP), so the
 * client pays one async step per batch rather than per event; `start` comes first, `result` last.
 */
export interface ClientTransport {
  readonly kind: 'local' | 'http';
  invoke(call: TransportCall): Promise<InvokeResult>;
  stream(call: TransportCall): AsyncIterable<readonly StreamEvent[]>;
  submit(call: TransportJobCall): Promise<Job>;
  getJob(jobId: string, signal?: AbortSignal): Promise<Job>;
  cancelJob(jobId: string, signal?: AbortSignal): Promise<Job>;
  agents(signal?: AbortSignal): Promise<AgentManifest[]>;
  /** Suggested first poll interval for job results, in ms. */
  readonly pollIntervalMs: number;
  close(): Promise<void>;
}
