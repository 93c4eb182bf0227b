// publint and @arethetypeswrong/cli's checks on a packed tarball: what a consumer installs, not the
// working tree. ESM and CJS consumers must both resolve types for every entry of the exports map.
import { readFileSync } from 'node:fs';

/** Resolution modes attw checks. node10 (TypeScript's deprecated `moduleResolution: node`) is not supported; see VERSIONING.md. */
export const attwIgnoredResolutions = ['node10'] as const;

/** Subpaths (`.`, `./testing`) whose exports target has `import` but neither `require` nor `default`. */
export function esmOnlySubpaths(packageJson: { exports?: unknown }): Set<string> {
  const { exports } = packageJson;
  const subpaths = new Set<string>();
  if (typeof exports !== 'object' || exports === null) return subpaths;
  const entries = Object.keys(exports).every((key) => key.startsWith('.')) ? Object.entries(exports) : [['.', exports] as const];
  for (const [subpath, target] of entries) {
    if (typeof target === 'object' && target !== null && !Array.isArray(target) && 'import' in target && !('require' in target) && !('default' in target)) subpaths.add(subpath);
  }
  return subpaths;
}

/** Problems found in one tarball; empty lists mean clean. */
export interface PackageLintResult {
  publint: string[];
  attw: string[];
  /** Why attw did not run, for a package without typed entry points. */
  attwSkipped?: string;
}

/** Runs publint (all levels, warnings as errors) on a tarball. */
export async function runPublint(tarball: Uint8Array): Promise<string[]> {
  const { publint } = await import('publint');
  const { formatMessage } = await import('publint/utils');
  const data = tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) as ArrayBuffer;
  const { messages, pkg } = await publint({ pack: { tarball: data }, level: 'suggestion', strict: true });
  return messages.map((message) => `publint ${message.type} ${message.code}: ${formatMessage(message, pkg, { color: false }) ?? message.code}`);
}

/** Runs the arethetypeswrong analysis on a tarball; problems in ignored resolutions are left out. */
export async function runAttw(tarball: Uint8Array): Promise<{ problems: string[]; skipped?: string }> {
  const { checkPackage, createPackageFromTarballData } = await import('@arethetypeswrong/core');
  const pkg = createPackageFromTarballData(tarball);
  const result = await checkPackage(pkg);
  if (result.types === false) return { problems: [], skipped: 'the package ships no types (no typed entry points)' };
  const esmOnly = esmOnlySubpaths(JSON.parse(pkg.readFile(`/node_modules/${result.packageName}/package.json`)) as { exports?: unknown });
  const problems = result.problems
    .filter((problem) => !('resolutionKind' in problem) || !(attwIgnoredResolutions as readonly string[]).includes(problem.resolutionKind))
    // An entry the exports map declares ESM-only (no `require`/`default`) is not meant for CJS.
    .filter((problem) => !(problem.kind === 'NoResolution' && problem.resolutionKind === 'node16-cjs' && esmOnly.has(problem.entrypoint)))
    .map((problem) => {
      const where = 'entrypoint' in problem ? ` ${String(problem.entrypoint)}` : '';
      const mode = 'resolutionKind' in problem ? ` (${problem.resolutionKind})` : '';
      return `attw ${problem.kind}${where}${mode}`;
    });
  return { problems };
}

/** publint and attw on one tarball file. */
export async function lintTarball(path: string): Promise<PackageLintResult> {
  const tarball = new Uint8Array(readFileSync(path));
  const [publintProblems, attw] = await Promise.all([runPublint(tarball), runAttw(tarball)]);
  return { publint: publintProblems, attw: attw.problems, ...(attw.skipped === undefined ? {} : { attwSkipped: attw.skipped }) };
}
