import { AgentryError, type AgentManifest } from '../contract';
import { isTaskPack, type TaskPack } from '../core/task-pack';

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

/** Orders semantic versions; a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const [coreA = '', preA] = a.split('+')[0]!.split('-', 2);
  const [coreB = '', preB] = b.split('+')[0]!.split('-', 2);
  const partsA = coreA.split('.').map(Number);
  const partsB = coreB.split('.').map(Number);
  for (let index = 0; index < 3; index++) {
    const difference = (partsA[index] ?? 0) - (partsB[index] ?? 0);
    if (difference !== 0) return difference;
  }
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return preA < preB ? -1 : 1;
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? String(value);
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' ? `"${id}"` : 'an object';
}
