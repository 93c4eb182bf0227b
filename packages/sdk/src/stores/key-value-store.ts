/** Options of a write. */
export interface SetOptions {
  /** Time to live in milliseconds; forever when absent. */
  ttlMs?: number;
}

/**
 * A key-value store with expiry: the one interface cache entries, idempotency records, jobs and
 * stream replay buffers go through. Values are JSON-compatible so any backend can hold them.
 * The memory implementation is the embedded default; the Redis one serves several replicas.
 */
export interface KeyValueStore {
  get<Value>(key: string): Promise<Value | undefined>;
  /**
   * Reads several keys at once, values in the order of `keys` (undefined where absent): one
   * round trip on Redis (`MGET`). Optional: callers fall back to `get` per key.
   */
  getMany?(keys: readonly string[]): Promise<unknown[]>;
  /**
   * `getMany` answered synchronously, for stores that live in this process: lets a hot path
   * (a cache lookup) skip a turn of the event loop. Optional, and only where reads need no I/O.
   */
  getManyNow?(keys: readonly string[]): unknown[];
  /** `get` answered synchronously, on the same terms as {@link KeyValueStore.getManyNow}. */
  getNow?(key: string): unknown;
  set(key: string, value: unknown, options?: SetOptions): Promise<void>;
  /** Writes only when the key is absent; true when it wrote. Atomic in every implementation. */
  setIfAbsent(key: string, value: unknown, options?: SetOptions): Promise<boolean>;
  /**
   * Writes `value` only while the key still holds `expected` (compared as JSON); true when it
   * wrote. Atomic: a writer that read a value can update it without bringing back one that
   * another writer deleted or replaced meanwhile. Optional: callers fall back to `set`.
   */
  replace?(key: string, expected: unknown, value: unknown, options?: SetOptions): Promise<boolean>;
  delete(key: string): Promise<void>;
  /**
   * True when the store lives in this process: a long key costs neither network bytes nor
   * server memory, so callers may key entries by their natural (short) text instead of a hash.
   * @default false
   */
  readonly inProcess?: boolean;
  /** Releases connections; the store is unusable afterwards. */
  close?(): Promise<void>;
}
