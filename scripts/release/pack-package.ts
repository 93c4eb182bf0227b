import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecked } from './run-command';
import { repoRoot, type WorkspacePackage } from './workspace-packages';

/** Digests of a file, hex. */
export interface FileDigests {
  sha256: string;
  sha512: string;
  size: number;
}

/** SHA-256, SHA-512 and size of some bytes. */
export function digestsOf(data: Uint8Array): FileDigests {
  return {
    sha256: createHash('sha256').update(data).digest('hex'),
    sha512: createHash('sha512').update(data).digest('hex'),
    size: data.byteLength,
  };
}

/**
 * Packs a workspace package with `npm pack` into `destination` and returns the tarball's file
 * name. npm writes every entry with a fixed mtime and sorted, so the same files give the same
 * bytes. Lifecycle scripts are skipped: release:dry builds first, explicitly.
 */
export async function packPackage(pkg: WorkspacePackage, destination: string, root: string = repoRoot): Promise<{ file: string; digests: FileDigests }> {
  const stdout = await runChecked('npm', ['pack', '--workspace', pkg.name, '--pack-destination', destination, '--ignore-scripts', '--json'], { cwd: root });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>;
  if (packed === undefined) throw new Error(`npm pack printed no tarball for ${pkg.name}`);
  // npm names scoped tarballs `scope-name-version.tgz`.
  const file = packed.filename.replace(/^@/, '').replace('/', '-');
  return { file, digests: digestsOf(readFileSync(join(destination, file))) };
}
