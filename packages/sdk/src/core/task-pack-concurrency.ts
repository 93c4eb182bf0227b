import { AgentryError } from '../contract';

/** Counts running invocations per pack so `limits.maxConcurrency` can refuse the one too many. */
export interface ConcurrencyGate {
  /**
   * Takes a slot for `key`, or throws AGENTRY_RATE_LIMITED when `max` are taken. Returns the
   * release function; calling it more than once is harmless.
   */
  acquire(key: string, max: number | undefined, requestId?: string): () => void;
  /** Slots taken for `key`. */
  running(key: string): number;
}

/** Creates an empty gate; a runtime keeps one, so the limit holds per runtime (per replica). */
export function createConcurrencyGate(): ConcurrencyGate {
  const counts = new Map<string, number>();
  return {
    acquire(key, max, requestId) {
      const current = counts.get(key) ?? 0;
      if (max !== undefined && current >= max) {
        throw new AgentryError('AGENTRY_RATE_LIMITED', `invoke ${key} refused: ${current} invocations already running (limits.maxConcurrency is ${max})`, {
          hint: 'Retry after a moment, or raise limits.maxConcurrency in the pack manifest.',
          retryAfterSeconds: 1,
          ...(requestId === undefined ? {} : { requestId }),
        });
      }
      counts.set(key, current + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (counts.get(key) ?? 1) - 1;
        if (left <= 0) counts.delete(key);
        else counts.set(key, left);
      };
    },
    running: (key) => counts.get(key) ?? 0,
  };
}
