/**
 * Makes `controller` abort (with the same reason) when `signal` does, and returns the function
 * that undoes the link. Cheaper than `AbortSignal.any` on hot paths: no dependent-signal
 * bookkeeping that lives until garbage collection, and the listener is removed when done.
 */
export function linkAbort(controller: AbortController, signal: AbortSignal | undefined): () => void {
  if (signal === undefined) return noop;
  if (signal.aborted) {
    controller.abort(signal.reason);
    return noop;
  }
  const onAbort = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

function noop(): void {}

/**
 * Calls `listener` with the signal's reason when `signal` aborts (at once if it already has), and
 * returns the function that stops listening.
 */
export function onAbort(signal: AbortSignal | undefined, listener: (reason: unknown) => void): () => void {
  if (signal === undefined) return noop;
  if (signal.aborted) {
    listener(signal.reason);
    return noop;
  }
  const handle = (): void => listener(signal.reason);
  signal.addEventListener('abort', handle, { once: true });
  return () => signal.removeEventListener('abort', handle);
}
