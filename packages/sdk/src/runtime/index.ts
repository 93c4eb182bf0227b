export { createRuntime, type Runtime, type RuntimeOptions, type RuntimeCall, type RuntimeJobCall } from './runtime';
export type { CostFunction } from './metered-model';
