import { canonicalJson } from '@agentry/sdk';
import { preview, type ContractSession } from '../contract-session';
import type { ContractFailure } from '../contract-types';

/** Every fixture's input is accepted and gives a valid output (equal to the expected one when given), or the expected error. */
export async function checkFixtures(session: ContractSession): Promise<ContractFailure[]> {
  const failures: ContractFailure[] = [];
  const fail = (problem: string, fix: string) => failures.push(session.failure('fixtures', problem, fix));
  const fixtures = session.options.fixtures ?? [];
  if (fixtures.length === 0) {
    fail('no fixtures were given', 'pass at least one { name, input, output? } fixture to describeTaskPackContract');
    return failures;
  }
  if (!fixtures.some((fixture) => fixture.error === undefined)) {
    fail('every fixture expects an error, so no run shows the pack working', 'add a fixture with an input the pack handles');
  }
  const names = new Set<string>();
  for (const fixture of fixtures) {
    if (names.has(fixture.name)) fail(`two fixtures are named "${fixture.name}"`, 'give every fixture its own name');
    names.add(fixture.name);
  }
  for (const { fixture, run } of await session.fixtureRuns()) {
    if (fixture.error !== undefined) {
      if (run.ok) fail(`fixture "${fixture.name}" expected ${fixture.error} but succeeded with ${preview(run.output)}`, 'make the handler throw new AgentryError(code, ...) for this input, or correct the fixture');
      else if (run.error?.code !== fixture.error) {
        fail(`fixture "${fixture.name}" expected ${fixture.error} but failed with ${run.error?.code}: ${run.error?.message}`, 'throw the expected code, or correct the fixture');
      }
      continue;
    }
    if (!run.ok) {
      fail(
        `fixture "${fixture.name}" failed with ${run.error?.code}: ${run.error?.message}`,
        run.error?.code === 'AGENTRY_INVALID_INPUT'
          ? 'make the fixture input match the input schema, or widen the schema'
          : run.error?.code === 'AGENTRY_INVALID_OUTPUT'
            ? 'make the handler return what the output schema describes'
            : 'fix the handler for this input, or mark the fixture with the `error` it should produce',
      );
      continue;
    }
    if (fixture.output !== undefined && canonicalJson(run.output) !== canonicalJson(fixture.output)) {
      fail(`fixture "${fixture.name}" returned ${preview(run.output)} but expected ${preview(fixture.output)}`, 'fix the handler, or update the fixture\'s expected output');
    }
  }
  return failures;
}
