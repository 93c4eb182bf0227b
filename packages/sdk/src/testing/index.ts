// @agentry/sdk/testing — shared contract suites for store implementations (needs vitest).
export * from '../stores/testing';
