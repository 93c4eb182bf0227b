import type { TaskPack } from '@agentry/sdk';
import { checkCancellation } from './checks/cancellation-check';
import { checkCapabilities } from './checks/capabilities-check';
import { checkDeterminism } from './checks/determinism-check';
import { checkErrors } from './checks/errors-check';
import { checkFixtures } from './checks/fixtures-check';
import { checkManifest } from './checks/manifest-check';
import { checkSchemas } from './checks/schemas-check';
import { checkTelemetry } from './checks/telemetry-check';
import { createContractSession, type ContractSession } from './contract-session';
import type { ContractCheckId, ContractCheckResult, ContractFailure, ContractReport, TaskPackContractOptions } from './contract-types';

/** A check of the contract: the behaviour it proves and how. */
export interface ContractCheck {
  id: ContractCheckId;
  title: string;
  run(session: ContractSession): Promise<ContractFailure[] | { skip: string }>;
}

/** Every check, in the order they run and appear as tests. */
export const contractChecks: readonly ContractCheck[] = [
  { id: 'manifest', title: 'publishes a valid specification v1 manifest', run: checkManifest },
  { id: 'schemas', title: 'has input and output schemas that round-trip through JSON Schema', run: checkSchemas },
  { id: 'fixtures', title: "accepts every fixture's input and returns a valid (and the expected) output", run: checkFixtures },
  { id: 'telemetry', title: 'emits the telemetry it declares and nothing undeclared', run: checkTelemetry },
  { id: 'capabilities', title: 'uses only declared capabilities and is refused undeclared ones', run: checkCapabilities },
  { id: 'cancellation', title: 'stops within its latency budget when its AbortSignal aborts', run: checkCancellation },
  { id: 'errors', title: 'fails only with errors that carry catalogue codes', run: checkErrors },
  { id: 'determinism', title: 'returns the same output twice with the deterministic model', run: checkDeterminism },
];

/** Runs one check; a check that throws becomes a failure naming it rather than a crash. */
export async function runContractCheck(check: ContractCheck, session: ContractSession): Promise<ContractCheckResult> {
  const skipped = session.options.skip?.[check.id];
  if (skipped !== undefined) return { id: check.id, title: check.title, status: 'skipped', failures: [], reason: skipped };
  // Only the manifest check runs on something that is not a task pack; the others would just repeat it.
  if (check.id !== 'manifest' && (typeof session.pack !== 'object' || session.pack === null || typeof session.pack.handler !== 'function')) {
    return { id: check.id, title: check.title, status: 'skipped', failures: [], reason: 'the value is not a task pack' };
  }
  let outcome: ContractFailure[] | { skip: string };
  try {
    outcome = await check.run(session);
  } catch (error) {
    outcome = [session.failure(check.id, `the check itself crashed (${(error as Error)?.stack ?? String(error)})`, 'report this with the pack to the Agentry maintainers')];
  }
  if (!Array.isArray(outcome)) return { id: check.id, title: check.title, status: 'skipped', failures: [], reason: outcome.skip };
  return { id: check.id, title: check.title, status: outcome.length === 0 ? 'passed' : 'failed', failures: outcome };
}

/**
 * Checks a task pack against its contract and reports every broken promise, each naming the
 * pack, the check and the fix. {@link describeTaskPackContract} registers the same checks as
 * vitest tests; this form suits scripts, CI gates and testing the kit itself.
 *
 * @example
 * const report = await checkTaskPackContract(echoPack, { fixtures: [{ name: 'hello', input: { text: 'hi' }, output: { text: 'hi' } }] });
 * if (!report.ok) console.error(report.failures.map((failure) => failure.message).join('\n'));
 */
export async function checkTaskPackContract(pack: TaskPack, options: TaskPackContractOptions): Promise<ContractReport> {
  const session = createContractSession(pack, options);
  const checks: ContractCheckResult[] = [];
  for (const check of contractChecks) checks.push(await runContractCheck(check, session));
  const failures = checks.flatMap((check) => check.failures);
  return { pack: session.label, ok: failures.length === 0, checks, failures, warnings: [...session.warnings] };
}
