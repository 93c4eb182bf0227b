import { agentManifestSchema, isTaskPack } from '@agentry/sdk';
import type { ContractSession } from '../contract-session';
import type { ContractFailure } from '../contract-types';

const v1Fields = ['specificationVersion', 'capabilities', 'telemetry', 'limits', 'deterministic'] as const;

/** The pack was made by defineTaskPack and publishes a manifest that validates as task-pack specification v1. */
export async function checkManifest(session: ContractSession): Promise<ContractFailure[]> {
  const { pack } = session;
  const fail = (problem: string, fix: string) => session.failure('manifest', problem, fix);
  if (!isTaskPack(pack)) return [fail('the value is not a task pack', 'export the value returned by defineTaskPack({...})')];
  const failures: ContractFailure[] = [];
  const parsed = agentManifestSchema.safeParse(pack.manifest);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      failures.push(fail(`manifest field \`${issue.path.join('.') || '(root)'}\` is invalid (${issue.message})`, 'correct that field in the defineTaskPack() definition'));
    }
  }
  const missing = v1Fields.filter((field) => pack.manifest?.[field] === undefined);
  if (missing.length > 0) {
    failures.push(fail(`the manifest lacks the specification v1 fields ${missing.join(', ')}`, 'define the pack with @agentry/sdk 0.1 or later'));
  }
  if (pack.manifest?.id !== pack.id || pack.manifest?.version !== pack.version) {
    failures.push(fail(`the manifest names ${pack.manifest?.id}@${pack.manifest?.version}, the pack ${session.label}`, 'do not edit the manifest by hand; let defineTaskPack() build it'));
  }
  if (pack.manifest?.sdk === undefined) session.warnings.push(`task pack ${session.label}: no \`sdk\` range declared; hosts cannot tell which SDKs it supports`);
  return failures;
}
