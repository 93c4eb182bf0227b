import { assertCounterArguments } from './counter-arguments';
import type { CounterStore } from './counter-store';

/** Options of {@link createMemoryCounterStore}. */
export interface MemoryCounterStoreOptions {
  /**
   * Counters kept at most; past it the least recently used one is dropped. Dropping a live budget
   * counter forgets what was spent, so size this above the number of (tenant, period) keys in use.
   * @default 100000
   */
  maxKeys?: number;
  /** Clock in epoch milliseconds, injectable for tests. @default Date.now */
  now?: () => number;
}

interface Counter {
  value: number;
  expiresAt: number;
}

/**
 * In-process atomic counters with expiry. Every operation runs synchronously inside one call, so
 * `incrementIfWithin` is atomic without locks: JavaScript never interleaves two of them.
 *
 * @example
 * const counters = createMemoryCounterStore();
 * const { applied } = await counters.incrementIfWithin('budget:acme:2025-06', 1_500, 10_000_000);
 */
export function createMemoryCounterStore(options: MemoryCounterStoreOptions = {}): CounterStore {
  const maxKeys = options.maxKeys ?? 100_000;
  const now = options.now ?? Date.now;
  const counters = new Map<string, Counter>();
  // The counter inserted last, which is already the most recently used: a budget's tenant counter
  // is used twice per call (reserve, settle), and re-inserting it each time churns the Map.
  let newest: Counter | undefined;

  function live(key: string): Counter | undefined {
    const counter = counters.get(key);
    if (counter === undefined) return undefined;
    if (counter.expiresAt !== Infinity && counter.expiresAt <= now()) {
      counters.delete(key);
      if (counter === newest) newest = undefined;
      return undefined;
    }
    if (counter !== newest) {
      // Re-insert to mark as most recently used (Map keeps insertion order).
      counters.delete(key);
      counters.set(key, counter);
      newest = counter;
    }
    return counter;
  }

  function add(key: string, delta: number, ttlMs: number | undefined, counter: Counter | undefined): number {
    if (counter !== undefined) {
      counter.value += delta;
      return counter.value;
    }
    newest = { value: delta, expiresAt: ttlMs === undefined ? Infinity : now() + ttlMs };
    counters.set(key, newest);
    while (counters.size > maxKeys) counters.delete(counters.keys().next().value as string);
    return delta;
  }

  return {
    async get(key) {
      return live(key)?.value ?? 0;
    },
    async increment(key, delta, incrementOptions) {
      assertCounterArguments('increment', key, delta, undefined, incrementOptions?.ttlMs);
      return add(key, delta, incrementOptions?.ttlMs, live(key));
    },
    async incrementIfWithin(key, delta, limit, incrementOptions) {
      assertCounterArguments('incrementIfWithin', key, delta, limit, incrementOptions?.ttlMs);
      // One lookup serves the check and the add: nothing runs between them.
      const counter = live(key);
      const current = counter?.value ?? 0;
      if (current + delta > limit) return { applied: false, value: current };
      return { applied: true, value: add(key, delta, incrementOptions?.ttlMs, counter) };
    },
  };
}
