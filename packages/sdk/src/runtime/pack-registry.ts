import { AgentryError, type AgentManifest } from '../contract';
import { isTaskPack, type TaskPack } from '../core/task-pack';
import { compareSemver } from '../core/task-pack-semver';

/** The packs a runtime hosts, by id and version; the newest version answers when none is pinned. */
export interface PackRegistry {
  resolve(agent: string, version?: string): TaskPack;
  manifests(): AgentManifest[];
}

export function createPackRegistry(packs: readonly TaskPack[]): PackRegistry {
  const byId = new Map<string, TaskPack[]>();
  for (const pack of packs) {
    if (!isTaskPack(pack)) {
      throw new AgentryError('AGENTRY_INVALID_OPTIONS', `packs: ${describe(pack)} is not a task pack`, {
        hint: 'Create packs with defineTaskPack() and pass the returned value.',
      });
    }
    const versions = byId.get(pack.id) ?? [];
    if (versions.some((existing) => existing.version === pack.version)) {
      throw new AgentryError('AGENTRY_INVALID_OPTIONS', `packs: ${pack.id}@${pack.version} is given twice`);
    }
    versions.push(pack);
    versions.sort((a, b) => compareVersions(b.version, a.version));
    byId.set(pack.id, versions);
  }
  return {
    resolve(agent, version) {
      const versions = byId.get(agent);
      const pack = version === undefined ? versions?.[0] : versions?.find((candidate) => candidate.version === version);
      if (pack === undefined) {
        const known = versions?.map((candidate) => candidate.version).join(', ');
        throw new AgentryError(
          'AGENTRY_AGENT_NOT_FOUND',
          version === undefined || versions === undefined
            ? `agent ${agent} is not hosted here`
            : `agent ${agent}@${version} is not hosted here (hosted versions: ${known})`,
        );
      }
      return pack;
    },
    manifests() {
      return [...byId.values()].flat().map((pack) => pack.manifest);
    },
  };
}

/** Orders semantic versions by semver precedence; the one ordering used for packs everywhere. */
export const compareVersions = compareSemver;

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? String(value);
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' ? `"${id}"` : 'an object';
}
