import type { AgentryError } from '../contract';
import type { AgentEvent, Invocation, InvocationMode } from './invocation';

/** Calls the rest of the chain (the next middleware, finally the transport). */
export type Next = (invocation: Invocation) => AsyncIterable<AgentEvent>;

/**
 * A middleware wraps every invocation, onion-style. It receives the invocation and `next`, and
 * returns the events the caller sees: it may refuse (throw an AgentryError), short-circuit
 * (yield a cached result without calling `next`), observe or rewrite events, and act after the
 * final `result` event. The same middleware serves invoke, stream and jobs: invoke is a stream
 * consumed to its `result`.
 *
 * @example
 * const logging: Middleware = {
 *   name: 'logging',
 *   async *handle(invocation, next) {
 *     for await (const event of next(invocation)) {
 *       if (event.type === 'result') console.log(invocation.agent, event.result.usage.latencyMs);
 *       yield event;
 *     }
 *   },
 * };
 */
export interface Middleware {
  /** Shown in errors and traces. */
  readonly name: string;
  handle(invocation: Invocation, next: Next): AsyncIterable<AgentEvent>;
  /**
   * Told of a call the runtime turned away before the chain ran (an unknown agent or version, an
   * input its schema refuses), so a meter can still count it. Called synchronously, before the
   * caller gets `error`; it must not throw (a throw is ignored) and should not block.
   */
  rejected?(call: RejectedCall, error: AgentryError): void;
}

/** What is known of a call the runtime turned away before any middleware ran. */
export interface RejectedCall {
  readonly requestId: string;
  /** The agent as called, which may not exist. */
  readonly agent: string;
  /** The version asked for; `''` when none was pinned. */
  readonly version: string;
  readonly tenant: string;
  readonly subject?: string | undefined;
  readonly metadata: Readonly<Record<string, string>>;
  readonly mode: InvocationMode;
  /** When the call arrived, in epoch ms. */
  readonly startedAt: number;
}
