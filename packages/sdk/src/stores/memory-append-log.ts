import type { AppendLog, AppendLogEntry } from './append-log';

/** Options of {@link createMemoryAppendLog}. */
export interface MemoryAppendLogOptions {
  /**
   * Entries kept per log; past it the oldest are dropped. Kept entries keep their sequence
   * numbers, so readers resuming with `after` never see a renumbered entry.
   * @default 100000
   */
  maxEntriesPerLog?: number;
}

interface Log {
  /** Entries as JSON text: a snapshot, so a caller mutating what it appended changes nothing. */
  values: string[];
  /** Index in `values` of the oldest kept entry (dropped entries are compacted lazily). */
  head: number;
  /** Sequence of `values[head]`. */
  first: number;
}

/**
 * In-process append-only logs: sequences start at 1 and increase by one per entry. Entries are
 * stored as JSON, exactly like the Redis implementation, so both return the same values.
 *
 * @example
 * const log = createMemoryAppendLog();
 * const last = await log.append('audit:acme', [{ action: 'invoke' }]);
 * const entries = await log.read('audit:acme', { after: last - 1 });
 */
export function createMemoryAppendLog(options: MemoryAppendLogOptions = {}): AppendLog {
  const maxEntries = Math.max(1, options.maxEntriesPerLog ?? 100_000);
  const logs = new Map<string, Log>();

  function lastSequenceOf(name: string): number {
    const log = logs.get(name);
    return log === undefined ? 0 : log.first + (log.values.length - log.head) - 1;
  }

  const appendLog: AppendLog = {
    async appendAfter(name, lastSequence, values) {
      // Checked and written in one synchronous step: no other append can come between.
      if (lastSequenceOf(name) !== lastSequence) return undefined;
      return appendLog.append(name, values);
    },
    async append(name, values) {
      let log = logs.get(name);
      if (log === undefined) {
        log = { values: [], head: 0, first: 1 };
        logs.set(name, log);
      }
      for (const value of values) log.values.push(JSON.stringify(value) ?? 'null');
      const excess = log.values.length - log.head - maxEntries;
      if (excess > 0) {
        log.head += excess;
        log.first += excess;
      }
      // Compact only once half the array is dropped entries, so trimming stays O(1) amortised.
      if (log.head > 1024 && log.head * 2 > log.values.length) {
        log.values = log.values.slice(log.head);
        log.head = 0;
      }
      return log.first + (log.values.length - log.head) - 1;
    },
    async read<Value = unknown>(name: string, readOptions: { after?: number; limit?: number } = {}) {
      const log = logs.get(name);
      const limit = readOptions.limit ?? Infinity;
      if (log === undefined || limit <= 0) return [];
      const start = Math.max(Math.floor(readOptions.after ?? 0) + 1, log.first);
      const from = log.head + (start - log.first);
      const to = Math.min(log.values.length, from + limit);
      const entries: AppendLogEntry<Value>[] = [];
      for (let index = from; index < to; index++) {
        entries.push({ sequence: log.first + (index - log.head), value: JSON.parse(log.values[index]!) as Value });
      }
      return entries;
    },
  };
  return appendLog;
}
