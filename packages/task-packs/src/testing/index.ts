// @agentry/task-packs/testing — the task-pack contract kit. Every export here is public API.
// vitest is a peer dependency of this entry: it registers suites with vitest's describe/it.
export { describeTaskPackContract } from './describe-task-pack-contract';
export { checkTaskPackContract } from './check-task-pack-contract';
export type {
  ContractCheckId,
  ContractCheckResult,
  ContractFailure,
  ContractFetch,
  ContractReport,
  ContractTool,
  ContractToolContext,
  TaskPackContractOptions,
  TaskPackFixture,
} from './contract-types';
