import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../key-value-store';

/** Makes a fresh, empty store for one test; the suite closes it after the test. */
export type StoreFactory<Store, Options = undefined> = (options?: Options) => Store | Promise<Store>;

/** Waits real time: expiry is the server's clock, not an injectable one. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Registers the vitest suite every {@link KeyValueStore} implementation must pass. Call it at the
 * top level of a test file, once per implementation.
 *
 * @example
 * describeKeyValueStoreContract('memory', () => createMemoryKeyValueStore());
 */
export function describeKeyValueStoreContract(name: string, create: StoreFactory<KeyValueStore>): void {
  describe(`KeyValueStore contract: ${name}`, () => {
    let store: KeyValueStore;
    beforeEach(async () => {
      store = await create();
    });
    afterEach(async () => {
      await store.close?.();
    });

    it('returns undefined for a key never written', async () => {
      expect(await store.get('missing')).toBeUndefined();
    });

    it('returns what was written, for every JSON-compatible value', async () => {
      const values = [{ text: 'hi', nested: { list: [1, 'two', null, true] } }, [1, 2, 3], 'text', 42, 0, false, null];
      for (const [index, value] of values.entries()) {
        await store.set(`value-${index}`, value);
        expect(await store.get(`value-${index}`)).toEqual(value);
      }
    });

    it('reads several keys with getMany (when it has one) in order, undefined where absent or expired', async () => {
      if (store.getMany === undefined) return;
      await store.set('one', { n: 1 });
      await store.set('two', 'second');
      await store.set('brief', 'gone soon', { ttlMs: 40 });
      expect(await store.getMany([])).toEqual([]);
      expect(await store.getMany(['two', 'missing', 'one', 'brief'])).toEqual(['second', undefined, { n: 1 }, 'gone soon']);
      await sleep(120);
      expect(await store.getMany(['brief', 'one'])).toEqual([undefined, { n: 1 }]);
      // A synchronous read, where the store offers one, answers exactly as getMany does.
      if (store.getManyNow !== undefined) expect(store.getManyNow(['two', 'brief', 'one'])).toEqual(['second', undefined, { n: 1 }]);
      if (store.getNow !== undefined) expect([store.getNow('two'), store.getNow('brief'), store.getNow('one')]).toEqual(['second', undefined, { n: 1 }]);
    });

    it('overwrites an existing key on set and keeps keys independent', async () => {
      await store.set('a', 1);
      await store.set('b', 2);
      await store.set('a', 3);
      expect(await store.get('a')).toBe(3);
      expect(await store.get('b')).toBe(2);
    });

    it('forgets an entry once its ttl has passed, and keeps it before', async () => {
      await store.set('short', 'gone soon', { ttlMs: 40 });
      await store.set('long', 'stays', { ttlMs: 60_000 });
      expect(await store.get('short')).toBe('gone soon');
      await sleep(120);
      expect(await store.get('short')).toBeUndefined();
      expect(await store.get('long')).toBe('stays');
    });

    it('clears a previous ttl when a key is set again without one', async () => {
      await store.set('key', 'first', { ttlMs: 40 });
      await store.set('key', 'second');
      await sleep(120);
      expect(await store.get('key')).toBe('second');
    });

    it('writes with setIfAbsent only when the key is absent, and says whether it wrote', async () => {
      expect(await store.setIfAbsent('key', 'first')).toBe(true);
      expect(await store.setIfAbsent('key', 'second')).toBe(false);
      expect(await store.get('key')).toBe('first');
    });

    it('lets exactly one of many concurrent setIfAbsent calls win', async () => {
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, index) => store.setIfAbsent('race', index)));
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      expect(await store.get('race')).toBe(outcomes.indexOf(true));
    });

    it('lets setIfAbsent write again once the previous entry expired', async () => {
      expect(await store.setIfAbsent('lease', 'first', { ttlMs: 40 })).toBe(true);
      await sleep(120);
      expect(await store.setIfAbsent('lease', 'second', { ttlMs: 60_000 })).toBe(true);
      expect(await store.get('lease')).toBe('second');
    });

    it('replaces a value only while the key still holds the expected one (when it has replace)', async () => {
      if (store.replace === undefined) return;
      await store.set('entry', { v: 1, ttlMs: 100 });
      const read = await store.get<{ v: number; ttlMs: number }>('entry');
      expect(await store.replace('entry', read, { v: 1, ttlMs: 200 }, { ttlMs: 60_000 })).toBe(true);
      expect(await store.get('entry')).toEqual({ v: 1, ttlMs: 200 });
      // What was read is gone: replaced by another writer, or deleted.
      expect(await store.replace('entry', read, { v: 1, ttlMs: 400 })).toBe(false);
      expect(await store.get('entry')).toEqual({ v: 1, ttlMs: 200 });
      await store.delete('entry');
      expect(await store.replace('entry', { v: 1, ttlMs: 200 }, { v: 1, ttlMs: 800 })).toBe(false);
      expect(await store.get('entry')).toBeUndefined();
    });

    it('lets exactly one of many concurrent replaces of one read value win (when it has replace)', async () => {
      if (store.replace === undefined) return;
      await store.set('contended', { n: 0 });
      const read = await store.get('contended');
      const wins = await Promise.all(Array.from({ length: 10 }, (_, index) => store.replace!('contended', read, { n: index + 1 })));
      expect(wins.filter(Boolean)).toHaveLength(1);
    });

    it('deletes a key, and deleting a missing key is not an error', async () => {
      await store.set('key', 'value');
      await store.delete('key');
      await store.delete('never-written');
      expect(await store.get('key')).toBeUndefined();
      expect(await store.setIfAbsent('key', 'again')).toBe(true);
    });
  });
}
