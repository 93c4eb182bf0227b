import type { CacheControl } from './types';
import type { StreamEvent } from '../contract';

/** How the caller asked for the invocation; middleware rarely need it, but metering reports it. */
export type InvocationMode = 'invoke' | 'stream' | 'job';

/**
 * One call of an agent as it flows through the pipeline. Immutable for middleware except
 * `state`, a per-call scratch space keyed by each middleware's own symbol.
 */
export interface Invocation {
  /** Unique id of this invocation (`inv_...`), also the result's `id`. */
  readonly id: string;
  /** Correlates logs, usage events and errors across client and server. */
  readonly requestId: string;
  readonly agent: string;
  /** Resolved version of the agent that will run. */
  readonly version: string;
  /** Input, already validated against the agent's schema where the agent is local. */
  readonly input: unknown;
  /** The tenant the call is billed and isolated to. */
  readonly tenant: string;
  /** The end user or system the call is for. */
  readonly subject: string | undefined;
  readonly metadata: Readonly<Record<string, string>>;
  readonly mode: InvocationMode;
  readonly cache: CacheControl | undefined;
  /** Aborts when the caller cancels, a deadline passes or the server shuts down. */
  readonly signal: AbortSignal;
  /** Wall-clock start in epoch milliseconds. */
  readonly startedAt: number;
  readonly state: Map<symbol, unknown>;
}

/** Events that flow through the pipeline: every stream event but the edge-only `start` and `error`. */
export type AgentEvent = Exclude<StreamEvent, { type: 'start' } | { type: 'error' }>;
