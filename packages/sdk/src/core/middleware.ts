import type { AgentEvent, Invocation } from './invocation';

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
}
