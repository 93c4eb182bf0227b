export type { KeyValueStore, SetOptions } from './key-value-store';
export type { CounterStore } from './counter-store';
export type { AppendLog, AppendLogEntry } from './append-log';
export { createMemoryKeyValueStore, type MemoryKeyValueStoreOptions } from './memory-key-value-store';
export { createMemoryCounterStore, type MemoryCounterStoreOptions } from './memory-counter-store';
export { createMemoryAppendLog, type MemoryAppendLogOptions } from './memory-append-log';
