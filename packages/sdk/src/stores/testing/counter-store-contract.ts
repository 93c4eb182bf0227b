import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CounterStore } from '../counter-store';
import { sleep, type StoreFactory } from './key-value-store-contract';

/**
 * Registers the vitest suite every {@link CounterStore} implementation must pass, including the
 * atomicity of `incrementIfWithin` under concurrent callers.
 *
 * @example
 * describeCounterStoreContract('memory', () => createMemoryCounterStore());
 */
export function describeCounterStoreContract(name: string, create: StoreFactory<CounterStore>): void {
  describe(`CounterStore contract: ${name}`, () => {
    let store: CounterStore;
    beforeEach(async () => {
      store = await create();
    });
    afterEach(async () => {
      await store.close?.();
    });

    it('reads 0 for a counter never incremented', async () => {
      expect(await store.get('missing')).toBe(0);
    });

    it('adds positive and negative deltas and returns the new value', async () => {
      expect(await store.increment('count', 5)).toBe(5);
      expect(await store.increment('count', -2)).toBe(3);
      expect(await store.get('count')).toBe(3);
      expect(await store.get('other')).toBe(0);
    });

    it('drops a counter once its ttl has passed', async () => {
      await store.increment('period', 7, { ttlMs: 40 });
      await sleep(120);
      expect(await store.get('period')).toBe(0);
      expect(await store.increment('period', 1, { ttlMs: 60_000 })).toBe(1);
    });

    it('applies the ttl only when the counter is created, so later increments do not extend it', async () => {
      await store.increment('period', 1, { ttlMs: 200 });
      await sleep(60);
      await store.increment('period', 1, { ttlMs: 200 });
      expect(await store.get('period')).toBe(2);
      await sleep(220);
      expect(await store.get('period')).toBe(0);
    });

    it('adds with incrementIfWithin up to the limit inclusive, and refuses past it without adding', async () => {
      expect(await store.incrementIfWithin('budget', 6, 10)).toEqual({ applied: true, value: 6 });
      expect(await store.incrementIfWithin('budget', 4, 10)).toEqual({ applied: true, value: 10 });
      expect(await store.incrementIfWithin('budget', 1, 10)).toEqual({ applied: false, value: 10 });
      expect(await store.get('budget')).toBe(10);
      expect(await store.incrementIfWithin('budget', -3, 10)).toEqual({ applied: true, value: 7 });
    });

    it('does not create a counter when incrementIfWithin refuses', async () => {
      expect(await store.incrementIfWithin('fresh', 20, 10, { ttlMs: 60_000 })).toEqual({ applied: false, value: 0 });
      expect(await store.get('fresh')).toBe(0);
    });

    it('never lets concurrent incrementIfWithin calls pass the limit together', async () => {
      const outcomes = await Promise.all(Array.from({ length: 50 }, () => store.incrementIfWithin('shared', 3, 100, { ttlMs: 60_000 })));
      expect(outcomes.filter((outcome) => outcome.applied)).toHaveLength(33);
      expect(await store.get('shared')).toBe(99);
    });

    it('refuses a fractional delta with AGENTRY_INVALID_OPTIONS instead of rounding it', async () => {
      await expect(store.increment('count', 0.5)).rejects.toMatchObject({ code: 'AGENTRY_INVALID_OPTIONS' });
      await expect(store.incrementIfWithin('count', 1.5, 10)).rejects.toMatchObject({ code: 'AGENTRY_INVALID_OPTIONS' });
      expect(await store.get('count')).toBe(0);
    });
  });
}
