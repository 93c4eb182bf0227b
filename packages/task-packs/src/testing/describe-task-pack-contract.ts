import type { TaskPack } from '@agentry/sdk';
import { describe, expect, it } from 'vitest';
import { contractChecks, runContractCheck } from './check-task-pack-contract';
import { createContractSession } from './contract-session';
import type { TaskPackContractOptions } from './contract-types';

/**
 * Registers a vitest suite that holds a task pack to its contract: manifest valid; schemas
 * round-trip through JSON Schema; every fixture accepted with a valid output; declared telemetry
 * emitted and nothing undeclared; undeclared capabilities refused; cancellation honoured within
 * the latency budget; errors carry catalogue codes; deterministic with the deterministic model
 * (unless the pack declares `deterministic: false`). A failing test's message names the pack,
 * the check and the fix. Call it at the top level of a test file.
 *
 * @example
 * import { describeTaskPackContract } from '@agentry/task-packs/testing';
 * describeTaskPackContract(echoPack, { fixtures: [{ name: 'hello', input: { text: 'hi' }, output: { text: 'hi' } }] });
 */
export function describeTaskPackContract(pack: TaskPack, options: TaskPackContractOptions): void {
  const session = createContractSession(pack, options);
  const name = `task pack ${session.label} contract`;
  // Generous: a check runs every fixture up to twice, and cancellation may wait its whole budget.
  const timeout = 30_000 + (options.cancellationBudgetMs ?? 2_000);
  describe(name, () => {
    for (const check of contractChecks) {
      it(check.title, { timeout }, async (context) => {
        const result = await runContractCheck(check, session);
        if (result.status === 'skipped') context.skip(result.reason);
        if (result.failures.length > 0) expect.assert.fail(result.failures.map((failure) => failure.message).join('\n'));
      });
    }
  });
}
