// The packages this repository publishes, read from the root package.json `workspaces` and each
// package's own package.json, so a new workspace is covered by every release check without edits here.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (two levels above this file). */
export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The parts of a package.json the release scripts read. */
export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  engines?: Record<string, string>;
  exports?: Record<string, unknown> | string;
  files?: string[];
  bin?: Record<string, string> | string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  workspaces?: string[];
}

/** One published workspace package. */
export interface WorkspacePackage {
  /** e.g. `@agentry/sdk` */
  name: string;
  version: string;
  /** Absolute directory. */
  dir: string;
  /** Directory relative to the repository root, with forward slashes, e.g. `packages/sdk`. */
  relativeDir: string;
  /** The name without its scope, used in file names: `sdk`, `task-packs`. */
  shortName: string;
  packageJson: PackageJson;
}

/** Reads a JSON file. */
export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Every workspace package (private ones too), in the order of `workspaces`. */
export function listWorkspacePackages(root: string = repoRoot): WorkspacePackage[] {
  const rootJson = readJson<PackageJson>(join(root, 'package.json'));
  return (rootJson.workspaces ?? []).map((relativeDir) => {
    const dir = join(root, relativeDir);
    const packageJson = readJson<PackageJson>(join(dir, 'package.json'));
    return {
      name: packageJson.name,
      version: packageJson.version,
      dir,
      relativeDir: relativeDir.replace(/\\/g, '/').replace(/\/$/, ''),
      shortName: packageJson.name.replace(/^@[^/]+\//, ''),
      packageJson,
    };
  });
}

/** The workspace packages that are published to npm (not `private`). */
export function listPublishedPackages(root: string = repoRoot): WorkspacePackage[] {
  return listWorkspacePackages(root).filter((pkg) => pkg.packageJson.private !== true);
}

/** The file-name stem npm gives a package's tarball: `@agentry/sdk@0.1.0` → `agentry-sdk-0.1.0`. */
export function tarballStem(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}`;
}
