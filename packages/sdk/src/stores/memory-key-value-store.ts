import { createCoarseClock } from './coarse-clock';
import type { KeyValueStore, SetOptions } from './key-value-store';

/** Options of {@link createMemoryKeyValueStore}. */
export interface MemoryKeyValueStoreOptions {
  /** Entries kept at most; the least recently used go first. @default 10000 */
  maxEntries?: number;
  /** Clock in epoch milliseconds, injectable for tests. @default Date.now, read at most once per millisecond */
  now?: () => number;
}

interface Entry {
  readonly key: string;
  value: unknown;
  expiresAt: number;
  /** Neighbours in recency order: a doubly linked list, so a read moves an entry without touching the Map. */
  older: Entry | undefined;
  newer: Entry | undefined;
}

/**
 * An in-process key-value store: bounded (LRU), with per-entry expiry checked on read. Values are
 * stored as given (not copied), so callers must not mutate what they stored.
 */
export function createMemoryKeyValueStore(options: MemoryKeyValueStoreOptions = {}): KeyValueStore {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? createCoarseClock();
  const entries = new Map<string, Entry>();
  // Least and most recently used ends of the list.
  let oldest: Entry | undefined;
  let newest: Entry | undefined;

  function unlink(entry: Entry): void {
    if (entry.older === undefined) oldest = entry.newer;
    else entry.older.newer = entry.newer;
    if (entry.newer === undefined) newest = entry.older;
    else entry.newer.older = entry.older;
    entry.older = entry.newer = undefined;
  }

  function append(entry: Entry): void {
    entry.older = newest;
    if (newest === undefined) oldest = entry;
    else newest.newer = entry;
    newest = entry;
  }

  function remove(entry: Entry): void {
    unlink(entry);
    entries.delete(entry.key);
  }

  function live(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    // Entries without a ttl skip the clock (a call per read adds up on cache lookups).
    if (entry.expiresAt !== Infinity && entry.expiresAt <= now()) {
      remove(entry);
      return undefined;
    }
    // Mark as most recently used.
    if (entry !== newest) {
      unlink(entry);
      append(entry);
    }
    return entry;
  }

  function write(key: string, value: unknown, setOptions: SetOptions | undefined): void {
    const expiresAt = setOptions?.ttlMs === undefined ? Infinity : now() + setOptions.ttlMs;
    const existing = entries.get(key);
    if (existing !== undefined) {
      existing.value = value;
      existing.expiresAt = expiresAt;
      if (existing !== newest) {
        unlink(existing);
        append(existing);
      }
      return;
    }
    const entry: Entry = { key, value, expiresAt, older: undefined, newer: undefined };
    entries.set(key, entry);
    append(entry);
    while (entries.size > maxEntries && oldest !== undefined) remove(oldest);
  }

  function readMany(keys: readonly string[]): unknown[] {
    const values: unknown[] = [];
    for (const key of keys) values.push(live(key)?.value);
    return values;
  }

  return {
    inProcess: true,
    async get<Value>(key: string) {
      return live(key)?.value as Value | undefined;
    },
    async getMany(keys) {
      return readMany(keys);
    },
    getManyNow: readMany,
    getNow: (key) => live(key)?.value,
    async set(key, value, setOptions) {
      write(key, value, setOptions);
    },
    async setIfAbsent(key, value, setOptions) {
      if (live(key) !== undefined) return false;
      write(key, value, setOptions);
      return true;
    },
    async replace(key, expected, value, setOptions) {
      const current = live(key);
      if (current === undefined) return false;
      // Values are kept as given: the same object is the same value; else compare as JSON.
      // `?? 'null'` as the Redis store encodes: both compare the same text.
      if (current.value !== expected && (JSON.stringify(current.value) ?? 'null') !== (JSON.stringify(expected) ?? 'null')) return false;
      write(key, value, setOptions);
      return true;
    },
    async delete(key) {
      const entry = entries.get(key);
      if (entry !== undefined) remove(entry);
    },
  };
}
