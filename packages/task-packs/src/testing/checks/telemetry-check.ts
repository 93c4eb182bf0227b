import type { ContractSession } from '../contract-session';
import type { ContractFailure } from '../contract-types';

/** The fixtures together emit every declared event and metric, and nothing undeclared. */
export async function checkTelemetry(session: ContractSession): Promise<ContractFailure[]> {
  const failures: ContractFailure[] = [];
  const { pack } = session;
  const emitted = { event: new Set<string>(), metric: new Set<string>() };
  const undeclared = { event: new Set<string>(), metric: new Set<string>() };
  for (const { run } of await session.fixtureRuns()) {
    for (const record of run.records) {
      if (record.type === 'event' || record.type === 'metric') emitted[record.type].add(record.name);
      if (record.type === 'capability-denied' && (record.capability === 'event' || record.capability === 'metric')) {
        undeclared[record.capability].add(record.name);
      }
    }
  }
  for (const name of undeclared.metric) {
    failures.push(session.failure('telemetry', `the handler recorded metric "${name}", which telemetry.metrics does not declare`, `declare "${name}" under telemetry.metrics, or stop recording it`));
  }
  for (const name of undeclared.event) {
    failures.push(session.failure('telemetry', `the handler emitted event "${name}", which telemetry.events does not declare`, `declare "${name}" under telemetry.events, or stop emitting it`));
  }
  for (const name of Object.keys(pack.telemetry?.metrics ?? {})) {
    if (!emitted.metric.has(name)) {
      failures.push(session.failure('telemetry', `metric "${name}" is declared but no fixture recorded it`, `record it with ctx.telemetry.metric("${name}", value), add a fixture that does, or remove it from telemetry.metrics`));
    }
  }
  for (const name of Object.keys(pack.telemetry?.events ?? {})) {
    if (!emitted.event.has(name)) {
      failures.push(session.failure('telemetry', `event "${name}" is declared but no fixture emitted it`, `emit it with ctx.telemetry.emit("${name}", data), add a fixture that does, or remove it from telemetry.events`));
    }
  }
  return failures;
}
