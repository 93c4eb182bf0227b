export type { KeyValueStore, SetOptions } from './key-value-store';
export { createMemoryKeyValueStore, type MemoryKeyValueStoreOptions } from './memory-key-value-store';
