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
