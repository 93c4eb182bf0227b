import type { Invocation } from '../core/invocation';
import type { Middleware } from '../core/middleware';
import { ObservedEvents, type ObservedInvocation } from './observed-events';

export type { ObservedInvocation } from './observed-events';

/**
 * A middleware that reports every invocation of a runtime to the servers that serve it, for
 * their `/metrics` and `/v1/usage`. Make one with {@link createInvocationObserver}.
 */
export interface InvocationObserver extends Middleware {
  readonly name: 'invocation-observer';
}

/** What a server registers with an observer. Internal to the server. */
export interface InvocationListener {
  /** A job began to run (invoke and stream calls are not announced: only their end is counted). */
  jobStarted(invocation: Invocation): void;
  ended(observed: ObservedInvocation): void;
}

// Listeners are kept off the public object, so the observer's type is only a Middleware.
const listenersOf = new WeakMap<InvocationObserver, Set<InvocationListener>>();

/**
 * Creates the observer to put outermost in the middleware of a runtime you pass to
 * `createServer({ runtime, observer })`, so the server's `/metrics` and `/v1/usage` count its
 * invocations (a server given `packs` observes its own runtime and needs none). It sees every
 * invocation the meter would: outermost, it also sees refusals by budget and governance.
 *
 * @example
 * const observer = createInvocationObserver();
 * const runtime = createRuntime({ packs: [echoPack], middleware: [observer, meter] });
 * const server = createServer({ runtime, observer, apiKeys });
 */
export function createInvocationObserver(): InvocationObserver {
  const listeners = new Set<InvocationListener>();
  const report = (ended: ObservedInvocation): void => {
    for (const listener of listeners) {
      try {
        listener.ended(ended);
      } catch {
        // Counting must never fail a call.
      }
    }
  };
  const observer: InvocationObserver = {
    name: 'invocation-observer',
    handle(invocation, next) {
      // No server listens (yet, or any more): nothing to observe.
      if (listeners.size === 0) return next(invocation);
      if (invocation.mode === 'job') for (const listener of listeners) listener.jobStarted(invocation);
      return new ObservedEvents(invocation, next, report);
    },
  };
  listenersOf.set(observer, listeners);
  return observer;
}

/** True for an observer made by {@link createInvocationObserver}. */
export function isInvocationObserver(value: unknown): value is InvocationObserver {
  return typeof value === 'object' && value !== null && listenersOf.has(value as InvocationObserver);
}

/** Registers a server's listener; returns the function that removes it. */
export function listenToObserver(observer: InvocationObserver, listener: InvocationListener): () => void {
  const listeners = listenersOf.get(observer);
  if (listeners === undefined) return () => {};
  listeners.add(listener);
  return () => listeners.delete(listener);
}
