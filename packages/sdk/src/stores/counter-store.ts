/**
 * Atomic integer counters with expiry: budgets, rate limits and quotas. Amounts are integers
 * (budgets count micro-dollars) so every backend adds them exactly.
 */
export interface CounterStore {
  /** Current value; 0 when absent or expired. */
  get(key: string): Promise<number>;
  /** Adds `delta` (may be negative) and returns the new value. `ttlMs` applies when the key is created. */
  increment(key: string, delta: number, options?: { ttlMs?: number }): Promise<number>;
  /**
   * Adds `delta` only if the result stays at or below `limit`, atomically: two callers can never
   * both pass the limit. Returns whether it added and the value after the call.
   */
  incrementIfWithin(key: string, delta: number, limit: number, options?: { ttlMs?: number }): Promise<{ applied: boolean; value: number }>;
  close?(): Promise<void>;
}
