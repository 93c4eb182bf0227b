import type { TaskPack } from '@agentry/sdk';
import { runPack, type PackRun } from './contract-harness';
import type { ContractCheckId, ContractFailure, TaskPackContractOptions, TaskPackFixture } from './contract-types';

/** A fixture with the outcome of its first run. */
export interface FixtureRun {
  fixture: TaskPackFixture;
  run: PackRun;
}

/** State the checks of one pack share: the fixture runs happen once, whichever checks ask. */
export interface ContractSession {
  readonly pack: TaskPack;
  /** `id@version`. */
  readonly label: string;
  readonly options: TaskPackContractOptions;
  /** Runs every fixture once (memoised). */
  fixtureRuns(): Promise<FixtureRun[]>;
  /** Advice that does not fail the contract. */
  readonly warnings: string[];
  /** A failure whose message names the pack, the check, the problem and the fix. */
  failure(check: ContractCheckId, problem: string, fix: string): ContractFailure;
}

export function createContractSession(pack: TaskPack, options: TaskPackContractOptions): ContractSession {
  const label = typeof pack === 'object' && pack !== null ? `${String(pack.id)}@${String(pack.version)}` : String(pack);
  let runs: Promise<FixtureRun[]> | undefined;
  return {
    pack,
    label,
    options,
    warnings: [],
    fixtureRuns() {
      runs ??= (async () => {
        const results: FixtureRun[] = [];
        // One after another: packs with maxConcurrency 1 must pass too.
        for (const fixture of options.fixtures ?? []) results.push({ fixture, run: await runPack(pack, fixture.input, options) });
        return results;
      })();
      return runs;
    },
    failure(check, problem, fix) {
      return { check, message: `task pack ${label} failed contract check "${check}": ${problem}. Fix: ${fix}.` };
    },
  };
}

/** JSON text of a value for messages, cut to a readable length. */
export function preview(value: unknown, limit = 200): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}
