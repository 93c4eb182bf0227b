// The public entry points of a package, derived from its package.json `exports` map, so a subpath
// added there (e.g. `@agentry/sdk/redis`) gets an API report and the export checks at once.
import { join } from 'node:path';
import type { WorkspacePackage } from './workspace-packages';

/** One public entry point (one key of `exports`). */
export interface ExportEntry {
  /** The package name plus subpath, e.g. `@agentry/sdk/server`. */
  specifier: string;
  /** The `exports` key, e.g. `./server`; `.` for the root. */
  subpath: string;
  /** Name of the API report: `sdk` for the root, `sdk-server` for `./server`. */
  reportName: string;
  /** Relative paths (from the package directory) of each target; undefined when the condition is absent. */
  esmTypes: string | undefined;
  esm: string | undefined;
  cjsTypes: string | undefined;
  cjs: string | undefined;
}

type Target = string | null | { [condition: string]: Target } | Target[];

/** Picks the target of a condition path, e.g. ['import', 'types'], following nested conditions and `default`. */
function pick(target: Target | undefined, conditions: readonly string[]): string | undefined {
  if (target === undefined || target === null) return undefined;
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const item of target) {
      const found = pick(item, conditions);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  // Condition order in the object decides, as in Node: the first key that matches wins.
  for (const [condition, value] of Object.entries(target)) {
    if (condition === 'default' || conditions.includes(condition)) {
      const found = pick(value, conditions);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** True for keys that are not code entries: `./package.json`, wildcards and other non-JS files. */
function isCodeSubpath(subpath: string): boolean {
  return !subpath.includes('*') && !/\.(json|css|d\.ts)$/.test(subpath);
}

/**
 * The code entry points of a package, from its `exports` map (a string `exports` or only
 * `main`/`types` count as the root entry).
 */
export function exportEntries(pkg: WorkspacePackage): ExportEntry[] {
  const { exports } = pkg.packageJson;
  const legacy = pkg.packageJson as { main?: string; types?: string };
  // A package with neither `exports` nor `main` (a CLI-only package such as create-app) has no code entry.
  if (exports === undefined && legacy.main === undefined && legacy.types === undefined) return [];
  const map: Record<string, Target> =
    exports === undefined
      ? { '.': { types: legacy.types ?? null, default: legacy.main ?? null } }
      : typeof exports === 'string' || !Object.keys(exports).every((key) => key.startsWith('.'))
        ? { '.': exports as Target }
        : (exports as Record<string, Target>);
  return Object.entries(map)
    .filter(([subpath]) => isCodeSubpath(subpath))
    .map(([subpath, target]) => {
      const suffix = subpath === '.' ? '' : subpath.slice(1);
      return {
        specifier: `${pkg.name}${suffix}`,
        subpath,
        reportName: `${pkg.shortName}${suffix.replaceAll('/', '-')}`,
        esmTypes: pick(target, ['node', 'import', 'types']),
        esm: pick(target, ['node', 'import']),
        cjsTypes: pick(target, ['node', 'require', 'types']),
        cjs: pick(target, ['node', 'require']),
      };
    });
}

/** Absolute path of an entry target. */
export function entryFile(pkg: WorkspacePackage, relative: string): string {
  return join(pkg.dir, relative);
}
