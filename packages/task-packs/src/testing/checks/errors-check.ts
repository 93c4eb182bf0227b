import { isAgentryError, isErrorCode } from '@agentry/sdk';
import type { ContractSession } from '../contract-session';
import type { ContractFailure } from '../contract-types';

/** Every error a run ends with carries a catalogue code the pack chose, not a wrapped plain Error. */
export async function checkErrors(session: ContractSession): Promise<ContractFailure[]> {
  const failures: ContractFailure[] = [];
  let errorFixtures = 0;
  for (const { fixture, run } of await session.fixtureRuns()) {
    if (fixture.error !== undefined) {
      errorFixtures++;
      if (!isErrorCode(fixture.error)) {
        failures.push(session.failure('errors', `fixture "${fixture.name}" expects "${fixture.error}", which is not in the error catalogue`, 'use a code from docs/errors.md'));
      }
    }
    const error = run.error;
    if (error === undefined) continue;
    if (!isErrorCode(error.code)) {
      failures.push(session.failure('errors', `fixture "${fixture.name}" failed with "${error.code}", which is not in the error catalogue`, 'throw new AgentryError(code, message) with a code from docs/errors.md'));
    } else if (error.code === 'AGENTRY_HANDLER_FAILED' && !isAgentryError(error.cause)) {
      const cause = error.cause instanceof Error ? `${error.cause.name}: ${error.cause.message}` : String(error.cause);
      failures.push(
        session.failure(
          'errors',
          `fixture "${fixture.name}" threw a plain error without a catalogue code (${cause})`,
          "throw new AgentryError('AGENTRY_…', message) from @agentry/sdk, choosing the code from docs/errors.md",
        ),
      );
    }
  }
  if (errorFixtures === 0) session.warnings.push(`task pack ${session.label}: no fixture expects an error, so no error path is exercised`);
  return failures;
}
