import type { ErrorCode, ModelProvider, TaskPack } from '@agentry/sdk';

/** One example the contract kit runs the pack on. */
export interface TaskPackFixture<Input = unknown, Output = unknown> {
  /** Names the fixture in failure messages. */
  name: string;
  input: Input;
  /** The exact output expected (compared as canonical JSON); any valid output passes when absent. */
  output?: Output;
  /** The catalogue code the run must fail with; makes this an error fixture. */
  error?: ErrorCode;
}

/** What a tool implementation lent by the kit receives. */
export interface ContractToolContext {
  readonly signal: AbortSignal;
  readonly tenant: string;
  readonly requestId: string;
  readonly invocationId: string;
  readonly pack: { readonly id: string; readonly version: string };
}

/** A fake of a declared tool (one the pack does not implement itself, such as an MCP tool). */
export type ContractTool = (args: unknown, context: ContractToolContext) => unknown;

/** `fetch` as the host lends it. */
export type ContractFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** The checks the kit runs, in order. */
export type ContractCheckId =
  | 'manifest'
  | 'schemas'
  | 'fixtures'
  | 'telemetry'
  | 'capabilities'
  | 'cancellation'
  | 'errors'
  | 'determinism';

/** Options of {@link checkTaskPackContract} and {@link describeTaskPackContract}. */
export interface TaskPackContractOptions {
  /** Examples to run; at least one must succeed. */
  fixtures: readonly TaskPackFixture[];
  /**
   * The model behind `ctx.model`; a function gives each run a fresh one.
   * @default the SDK's deterministic local model
   */
  model?: ModelProvider | (() => ModelProvider);
  /** Fakes of declared tools the pack does not implement itself, by tool name. @default {} */
  tools?: Record<string, ContractTool>;
  /**
   * The HTTP client behind `ctx.fetch` (still limited to the declared hosts).
   * @default one that refuses every request, so contract tests never reach the network
   */
  fetch?: ContractFetch;
  /**
   * How long the handler may keep running after its signal aborts: the pack's latency budget
   * (`limits.timeoutMs`), capped by this value so suites stay fast.
   * @default 2000
   */
  cancellationBudgetMs?: number;
  /** Checks to skip, each with the reason shown in the report. @default {} */
  skip?: Partial<Record<ContractCheckId, string>>;
}

/** One broken promise of the contract. */
export interface ContractFailure {
  check: ContractCheckId;
  /** Names the pack, the check, the problem and the fix. */
  message: string;
}

/** The outcome of one check. */
export interface ContractCheckResult {
  id: ContractCheckId;
  /** The behaviour the check proves; the vitest test name. */
  title: string;
  status: 'passed' | 'failed' | 'skipped';
  failures: ContractFailure[];
  /** Why the check was skipped. */
  reason?: string;
}

/** What {@link checkTaskPackContract} found. */
export interface ContractReport {
  /** `id@version` of the pack. */
  pack: string;
  /** True when no check failed. */
  ok: boolean;
  checks: ContractCheckResult[];
  /** Every failure of every check. */
  failures: ContractFailure[];
  /** Advice that does not fail the contract (e.g. no error fixture). */
  warnings: string[];
}

/** The pack under test; the kit accepts any copy of the SDK's TaskPack. */
export type ContractPack = TaskPack;
