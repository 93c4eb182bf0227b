import type { TaskPack, TaskPackContext } from '@agentry/sdk';
import { runPack } from '../contract-harness';
import type { ContractSession } from '../contract-session';
import type { ContractFailure } from '../contract-types';

const probeUrl = 'http://agentry-contract-probe.invalid/';

/**
 * No fixture touched an undeclared tool, host or the undeclared model; and a probe run with the
 * pack's manifest is refused each undeclared capability with AGENTRY_CAPABILITY_DENIED.
 */
export async function checkCapabilities(session: ContractSession): Promise<ContractFailure[]> {
  const failures: ContractFailure[] = [];
  const fail = (problem: string, fix: string) => failures.push(session.failure('capabilities', problem, fix));
  const seen = new Set<string>();
  for (const { fixture, run } of await session.fixtureRuns()) {
    for (const record of run.records) {
      if (record.type !== 'capability-denied' || record.capability === 'event' || record.capability === 'metric') continue;
      const key = `${record.capability}:${record.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      fail(`fixture "${fixture.name}" used an undeclared capability: ${record.message}`, fixFor(record.capability, record.name));
    }
  }

  const attempts: { capability: string; outcome: unknown }[] = [];
  const attempt = async (capability: string, use: () => unknown): Promise<void> => {
    try {
      await use();
      attempts.push({ capability, outcome: 'allowed' });
    } catch (error) {
      attempts.push({ capability, outcome: error });
    }
  };
  let reachedNetwork = false;
  const probe = Object.freeze({
    ...session.pack,
    async handler(_input: unknown, context: TaskPackContext) {
      await attempt('tool "agentry-contract-probe"', () => context.tools.call('agentry-contract-probe', {}));
      await attempt(`host ${new URL(probeUrl).host}`, () => context.fetch(probeUrl));
      await attempt('event "agentry-contract-probe"', () => context.telemetry.emit('agentry-contract-probe', {}));
      await attempt('metric "agentry_contract_probe_total"', () => context.telemetry.metric('agentry_contract_probe_total', 1));
      if (!session.pack.capabilities?.model) await attempt('the model', () => context.model.modelId);
      return {};
    },
  }) as TaskPack;
  const input = session.options.fixtures?.find((fixture) => fixture.error === undefined)?.input ?? {};
  await runPack(probe, input, session.options, {
    fetch: async () => {
      reachedNetwork = true;
      return new Response('');
    },
  });
  for (const { capability, outcome } of attempts) {
    const code = (outcome as { code?: unknown })?.code;
    if (code === 'AGENTRY_CAPABILITY_DENIED') continue;
    fail(
      outcome === 'allowed' ? `the undeclared ${capability} was allowed` : `using the undeclared ${capability} failed with ${String(code ?? outcome)} instead of AGENTRY_CAPABILITY_DENIED`,
      'define the pack with defineTaskPack() from @agentry/sdk and run it in an Agentry runtime, which polices the context',
    );
  }
  if (reachedNetwork) {
    fail(`a request to the undeclared host ${new URL(probeUrl).host} reached the network`, 'declare exact hosts in capabilities.network.hosts, not wildcards that cover every domain');
  }
  if (attempts.length === 0) fail('the probe handler never ran', 'make sure the first successful fixture passes the input schema');
  return failures;
}

function fixFor(capability: string | undefined, name: string): string {
  switch (capability) {
    case 'tool':
      return `declare { name: "${name}" } under capabilities.tools, or stop calling it`;
    case 'network':
      return `add "${name}" to capabilities.network.hosts, or stop fetching it`;
    case 'model':
      return 'set capabilities.model to true, or stop using ctx.model';
    default:
      return 'declare the capability in the manifest';
  }
}
