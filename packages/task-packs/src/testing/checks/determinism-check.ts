import { canonicalJson } from '@agentry/sdk';
import { runPack } from '../contract-harness';
import { preview, type ContractSession } from '../contract-session';
import type { ContractFailure } from '../contract-types';

/** Unless the pack declares `deterministic: false`, a second run of every fixture gives the same output and streamed text. */
export async function checkDeterminism(session: ContractSession): Promise<ContractFailure[] | { skip: string }> {
  if (session.pack.deterministic === false) return { skip: 'the pack declares deterministic: false' };
  const failures: ContractFailure[] = [];
  for (const { fixture, run } of await session.fixtureRuns()) {
    if (!run.ok) continue;
    const again = await runPack(session.pack, fixture.input, session.options);
    const fix = 'derive the output only from the input and the model (no clock, randomness or shared state), or declare deterministic: false';
    if (!again.ok) {
      failures.push(session.failure('determinism', `fixture "${fixture.name}" succeeded once, then failed with ${again.error?.code}: ${again.error?.message}`, fix));
    } else if (canonicalJson(again.output) !== canonicalJson(run.output)) {
      failures.push(session.failure('determinism', `fixture "${fixture.name}" returned ${preview(run.output)}, then ${preview(again.output)}`, fix));
    } else if (again.text !== run.text) {
      failures.push(session.failure('determinism', `fixture "${fixture.name}" streamed different text on its second run`, fix));
    }
  }
  return failures;
}
