import type { KeyValueStore, SetOptions } from './key-value-store';

/** Options of {@link createMemoryKeyValueStore}. */
export interface MemoryKeyValueStoreOptions {
  /** Entries kept at most; the least recently used go first. @default 10000 */
  maxEntries?: number;
  /** Clock in epoch milliseconds, injectable for tests. @default Date.now */
  now?: () => number;
}

interface Entry {
  value: unknown;
  expiresAt: number;
}

/**
 * An in-process key-value store: bounded (LRU), with per-entry expiry checked on read. Values are
 * stored as given (not copied), so callers must not mutate what they stored.
 */
export function createMemoryKeyValueStore(options: MemoryKeyValueStoreOptions = {}): KeyValueStore {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  function live(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    // Re-insert to mark as most recently used (Map keeps insertion order).
    entries.delete(key);
    entries.set(key, entry);
    return entry;
  }

  function write(key: string, value: unknown, setOptions: SetOptions | undefined): void {
    entries.delete(key);
    entries.set(key, { value, expiresAt: setOptions?.ttlMs === undefined ? Infinity : now() + setOptions.ttlMs });
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
  }

  return {
    async get<Value>(key: string) {
      return live(key)?.value as Value | undefined;
    },
    async set(key, value, setOptions) {
      write(key, value, setOptions);
    },
    async setIfAbsent(key, value, setOptions) {
      if (live(key) !== undefined) return false;
      write(key, value, setOptions);
      return true;
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}
