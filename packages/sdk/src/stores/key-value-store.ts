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
  set(key: string, value: unknown, options?: SetOptions): Promise<void>;
  /** Writes only when the key is absent; true when it wrote. Atomic in every implementation. */
  setIfAbsent(key: string, value: unknown, options?: SetOptions): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Releases connections; the store is unusable afterwards. */
  close?(): Promise<void>;
}
