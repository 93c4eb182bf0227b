import { describe, expect, it } from 'vitest';
import { createMemoryAppendLog } from './memory-append-log';
import { createMemoryCounterStore } from './memory-counter-store';
import { createMemoryKeyValueStore } from './memory-key-value-store';
import { describeAppendLogContract, describeCounterStoreContract, describeKeyValueStoreContract } from './testing';

describeKeyValueStoreContract('memory', () => createMemoryKeyValueStore());
describeCounterStoreContract('memory', () => createMemoryCounterStore());
describeAppendLogContract('memory', (options) => createMemoryAppendLog(options));

describe('memory stores are bounded', () => {
  it('drops the least recently used counter past maxKeys', async () => {
    const counters = createMemoryCounterStore({ maxKeys: 2 });
    await counters.increment('a', 1);
    await counters.increment('b', 1);
    await counters.get('a');
    await counters.increment('c', 1);
    expect([await counters.get('a'), await counters.get('b'), await counters.get('c')]).toEqual([1, 0, 1]);
  });

  it('drops the least recently used entry past maxEntries, a read, an overwrite or getMany counting as a use', async () => {
    const store = createMemoryKeyValueStore({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) await store.set(key, key);
    await store.get('a'); // order now b, c, a
    await store.set('b', 'b2'); // c, a, b
    await store.set('d', 'd'); // c goes
    expect(await store.getMany!(['a', 'b', 'c', 'd'])).toEqual(['a', 'b2', undefined, 'd']); // a, b, d
    await store.delete('b');
    await store.set('e', 'e');
    await store.set('f', 'f'); // a goes: d, e, f
    expect(await store.getMany!(['a', 'd', 'e', 'f'])).toEqual([undefined, 'd', 'e', 'f']);
    expect(await store.setIfAbsent('d', 'again')).toBe(false); // d is used: e, f, d
    await store.set('g', 'g'); // e goes
    expect([await store.get('e'), await store.get('f'), await store.get('d'), await store.get('g')]).toEqual([undefined, 'f', 'd', 'g']);
  });

  it('forgets an expired entry on read and frees its place', async () => {
    let now = 0;
    const store = createMemoryKeyValueStore({ maxEntries: 2, now: () => now });
    await store.set('brief', 1, { ttlMs: 10 });
    await store.set('kept', 2);
    now = 10;
    expect(await store.get('brief')).toBeUndefined();
    await store.set('new', 3);
    expect([await store.get('kept'), await store.get('new')]).toEqual([2, 3]);
  });

  it('expires counters by the injected clock', async () => {
    let now = 1_000;
    const counters = createMemoryCounterStore({ now: () => now });
    await counters.increment('period', 3, { ttlMs: 100 });
    now += 99;
    expect(await counters.get('period')).toBe(3);
    now += 1;
    expect(await counters.get('period')).toBe(0);
  });

  it('keeps a long log bounded while sequences keep counting', async () => {
    const log = createMemoryAppendLog({ maxEntriesPerLog: 10 });
    for (let batch = 0; batch < 500; batch++) await log.append('long', [batch * 10, batch * 10 + 1, batch * 10 + 2]);
    const entries = await log.read<number>('long');
    expect(entries).toHaveLength(10);
    expect(entries[0]).toEqual({ sequence: 1491, value: 4962 });
    expect(entries.at(-1)).toEqual({ sequence: 1500, value: 4992 });
  });
});
