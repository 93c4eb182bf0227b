import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentryError } from '@agentry/sdk';

/** The root of the installed @agentry/task-packs (from src/generator in the repo, or dist/ once built). */
export function taskPacksRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let directory = from; ; directory = dirname(directory)) {
    if (existsSync(join(directory, 'templates', 'task-pack')) && existsSync(join(directory, 'package.json'))) return directory;
    if (dirname(directory) === directory) throw new AgentryError('AGENTRY_INTERNAL', `@agentry/task-packs: templates/task-pack not found above ${from}`);
  }
}

/** Version ranges the scaffold pins: the SDK this release supports, and this release. */
export function scaffoldRanges(root: string = taskPacksRoot()): { sdkRange: string; taskPacksRange: string } {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version: string;
    peerDependencies?: Record<string, string>;
  };
  return { sdkRange: manifest.peerDependencies?.['@agentry/sdk'] ?? `^${manifest.version}`, taskPacksRange: `^${manifest.version}` };
}

/** The nearest directory at or above `from` that holds a changesets setup (`.changeset/config.json`). */
export function findChangesetRoot(from: string): string | undefined {
  for (let directory = from; ; directory = dirname(directory)) {
    if (existsSync(join(directory, '.changeset', 'config.json'))) return directory;
    if (dirname(directory) === directory) return undefined;
  }
}
