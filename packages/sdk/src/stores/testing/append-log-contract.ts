import { afterEach, describe, expect, it } from 'vitest';
import type { AppendLog } from '../append-log';
import type { StoreFactory } from './key-value-store-contract';

/** What the append-log suite may ask of a factory: a bound, to test trimming. */
export interface AppendLogContractOptions {
  maxEntriesPerLog?: number;
}

/**
 * Registers the vitest suite every {@link AppendLog} implementation must pass: dense increasing
 * sequences, contiguous batches under concurrency, paging with `after` and `limit`, and trimming
 * that never renumbers kept entries.
 *
 * @example
 * describeAppendLogContract('memory', (options) => createMemoryAppendLog(options));
 */
export function describeAppendLogContract(name: string, create: StoreFactory<AppendLog, AppendLogContractOptions>): void {
  describe(`AppendLog contract: ${name}`, () => {
    const opened: AppendLog[] = [];
    async function open(options?: AppendLogContractOptions): Promise<AppendLog> {
      const log = await create(options);
      opened.push(log);
      return log;
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((log) => log.close?.()));
    });

    it('appends with appendAfter only while the last entry is the expected one (when it has appendAfter)', async () => {
      const log = await open();
      if (log.appendAfter === undefined) return;
      expect(await log.appendAfter('chain', 1, ['x'])).toBeUndefined();
      expect(await log.appendAfter('chain', 0, ['a', 'b'])).toBe(2);
      expect(await log.appendAfter('chain', 1, ['late'])).toBeUndefined();
      expect(await log.appendAfter('chain', 2, ['c'])).toBe(3);
      expect((await log.read('chain')).map((entry) => entry.value)).toEqual(['a', 'b', 'c']);
      // Of many writers that read the same end, exactly one appends.
      const wins = await Promise.all(Array.from({ length: 8 }, (_, index) => log.appendAfter!('chain', 3, [`w${index}`])));
      expect(wins.filter((sequence) => sequence !== undefined)).toEqual([4]);
    });

    it('reads nothing from a log never written', async () => {
      const log = await open();
      expect(await log.read('missing')).toEqual([]);
      expect(await log.append('missing', [])).toBe(0);
    });

    it('numbers entries from 1 in append order and returns the last sequence of each batch', async () => {
      const log = await open();
      expect(await log.append('audit', [{ action: 'a' }, { action: 'b' }])).toBe(2);
      expect(await log.append('audit', ['c'])).toBe(3);
      expect(await log.append('audit', [])).toBe(3);
      expect(await log.read('audit')).toEqual([
        { sequence: 1, value: { action: 'a' } },
        { sequence: 2, value: { action: 'b' } },
        { sequence: 3, value: 'c' },
      ]);
    });

    it('reads after a sequence (exclusive) and at most `limit` entries', async () => {
      const log = await open();
      await log.append('ledger', [1, 2, 3, 4, 5]);
      expect((await log.read('ledger', { after: 2 })).map((entry) => entry.value)).toEqual([3, 4, 5]);
      expect((await log.read('ledger', { after: 1, limit: 2 })).map((entry) => entry.sequence)).toEqual([2, 3]);
      expect(await log.read('ledger', { after: 5 })).toEqual([]);
      expect(await log.read('ledger', { limit: 0 })).toEqual([]);
    });

    it('keeps logs apart by name', async () => {
      const log = await open();
      await log.append('one', ['x']);
      await log.append('two', ['y', 'z']);
      expect(await log.read('one')).toEqual([{ sequence: 1, value: 'x' }]);
      expect((await log.read('two')).map((entry) => entry.sequence)).toEqual([1, 2]);
    });

    it('stores a snapshot: changing a value after appending it changes nothing', async () => {
      const log = await open();
      const value = { count: 1 };
      await log.append('snapshots', [value]);
      value.count = 2;
      expect(await log.read('snapshots')).toEqual([{ sequence: 1, value: { count: 1 } }]);
    });

    it('gives concurrent batches distinct, contiguous sequences', async () => {
      const log = await open();
      const lasts = await Promise.all(Array.from({ length: 20 }, (_, batch) => log.append('busy', [`${batch}:0`, `${batch}:1`, `${batch}:2`])));
      const entries = await log.read<string>('busy');
      expect(entries.map((entry) => entry.sequence)).toEqual(Array.from({ length: 60 }, (_, index) => index + 1));
      for (const [batch, last] of lasts.entries()) {
        expect(entries.slice(last - 3, last).map((entry) => entry.value)).toEqual([`${batch}:0`, `${batch}:1`, `${batch}:2`]);
      }
    });

    it('drops the oldest entries past its bound and keeps the sequences of the rest', async () => {
      const log = await open({ maxEntriesPerLog: 3 });
      await log.append('bounded', ['a', 'b']);
      expect(await log.append('bounded', ['c', 'd', 'e'])).toBe(5);
      expect(await log.read('bounded')).toEqual([
        { sequence: 3, value: 'c' },
        { sequence: 4, value: 'd' },
        { sequence: 5, value: 'e' },
      ]);
      expect(await log.read('bounded', { after: 1, limit: 1 })).toEqual([{ sequence: 3, value: 'c' }]);
      expect(await log.read('bounded', { after: 4 })).toEqual([{ sequence: 5, value: 'e' }]);
    });
  });
}
