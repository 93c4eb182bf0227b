// Contract suites for store implementations (vitest). Every implementation, built in or
// third-party, runs the same suites; they import vitest, so they stay out of the root entry.
export { describeKeyValueStoreContract, type StoreFactory } from './key-value-store-contract';
export { describeCounterStoreContract } from './counter-store-contract';
export { describeAppendLogContract, type AppendLogContractOptions } from './append-log-contract';
