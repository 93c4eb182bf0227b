import type { Middleware, Next } from './middleware';

/**
 * Chains middleware around a terminal step: the first middleware is the outermost, so it sees
 * the call first and the result last.
 */
export function compose(middleware: readonly Middleware[], terminal: Next): Next {
  let next = terminal;
  for (let index = middleware.length - 1; index >= 0; index--) {
    const layer = middleware[index]!;
    const inner = next;
    next = (invocation) => layer.handle(invocation, inner);
  }
  return next;
}
