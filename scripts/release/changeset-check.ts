// `npm run changeset:check`: every published package whose files changed since its last release
// tag (or, before the first release, since the first commit) is named by a pending changeset, and
// that changeset's bump is at least what the API report diff since the release needs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bumpBelow, bumpForVersion, diffApiReports, maxBump, type ApiChange, type Bump } from './api-report-diff';
import { apiReportsDir } from './api-report';
import { readChangesetConfig, readChangesets } from './changesets';
import { changedFilesSince, fileAt, filesAt, firstCommit, historyState, isAncestor, lastReleaseTag, versionCommit } from './git-history';
import { isMain } from './is-main';
import { releasePlan } from './release-plan';
import { listPublishedPackages, repoRoot, type WorkspacePackage } from './workspace-packages';

/** What the check found for one package. */
export interface PackageCheck {
  name: string;
  /** The commit or tag compared with. */
  base: string;
  /**
   * `release-tag`: the last `<name>@<version>` tag; `version-bump`: the commit that set the current,
   * not yet tagged version (`changeset version` consumed the changesets into the changelog);
   * `first-commit`: no release yet.
   */
  baseKind: 'release-tag' | 'version-bump' | 'first-commit';
  changedFiles: string[];
  /** Highest bump pending changesets give this package (through its fixed group too). */
  declared: Bump;
  /** Lowest bump the API report diff since the release tag needs (`none` before a first release). */
  required: Bump;
  apiChanges: ApiChange[];
}

/** Result of the check. */
export interface ChangesetCheckResult {
  /** `skipped` when the history cannot answer (shallow clone, no git): see `reason`. */
  status: 'passed' | 'failed' | 'skipped';
  problems: string[];
  reason?: string;
  packages: PackageCheck[];
}

// Files that change no published byte: tests beside the code.
function isPublishedSource(file: string): boolean {
  return !/\.test\.[cm]?[jt]sx?$/.test(file) && !/\.test-d\.ts$/.test(file) && !/(^|\/)__tests__\//.test(file);
}

/** Reads the package a report belongs to from its api-extractor header. */
function reportPackage(text: string): string | undefined {
  return /^## API Report File for "([^"]+)"/m.exec(text)?.[1];
}

async function apiDiffSince(root: string, tag: string, pkg: WorkspacePackage): Promise<ApiChange[]> {
  const before = new Map<string, string>();
  for (const file of await filesAt(root, tag, apiReportsDir)) {
    const text = await fileAt(root, tag, `${apiReportsDir}/${file}`);
    if (text !== undefined && reportPackage(text) === pkg.name) before.set(file, text);
  }
  const after = new Map<string, string>();
  const folder = join(root, apiReportsDir);
  for (const file of existsSync(folder) ? readdirSync(folder) : []) {
    const text = readFileSync(join(folder, file), 'utf8');
    if (reportPackage(text) === pkg.name) after.set(file, text);
  }
  const changes: ApiChange[] = [];
  for (const file of new Set([...before.keys(), ...after.keys()])) {
    const entry = file.replace(/\.api\.md$/, '');
    for (const change of diffApiReports(before.get(file), after.get(file)).changes) changes.push({ ...change, name: `${entry}: ${change.name}` });
  }
  return changes;
}

/** The bump between two versions, e.g. 1.2.3 → 1.3.0 is minor. */
export function versionBump(from: string, to: string): Bump {
  const [a, b] = [from, to].map((version) => version.split(/[.+-]/).slice(0, 3).map((part) => Number.parseInt(part, 10) || 0));
  if (a![0] !== b![0]) return 'major';
  if (a![1] !== b![1]) return 'minor';
  return a![2] !== b![2] ? 'patch' : 'none';
}

/** Options of {@link checkChangesets}. */
export interface ChangesetCheckOptions {
  /**
   * Also ask `changeset status` for the release plan and fail when it releases a package at a
   * higher bump than its changesets declare (an escalation through peer dependencies). @default false
   */
  plan?: boolean;
}

/** Runs the check on the repository at `root`. */
export async function checkChangesets(root: string = repoRoot, options: ChangesetCheckOptions = {}): Promise<ChangesetCheckResult> {
  const history = await historyState(root);
  if (history.kind === 'shallow') {
    return {
      status: 'skipped',
      problems: [],
      packages: [],
      reason:
        'shallow clone: the last release tag and the first commit may be missing, so changed packages cannot be told. ' +
        'Fetch the full history (`git fetch --unshallow --tags`, or `fetch-depth: 0` in actions/checkout) and run again.',
    };
  }
  if (history.kind === 'none') return { status: 'skipped', problems: [], packages: [], reason: history.reason };

  const config = readChangesetConfig(root);
  const changesets = readChangesets(root);
  const published = listPublishedPackages(root);
  const names = new Set(published.map((pkg) => pkg.name));
  const problems: string[] = [];
  for (const changeset of changesets) {
    for (const name of Object.keys(changeset.releases)) {
      if (!names.has(name)) problems.push(`.changeset/${changeset.file} names ${name}, which is not a published workspace package`);
      else if (config.ignore.includes(name)) problems.push(`.changeset/${changeset.file} names ${name}, which .changeset/config.json ignores`);
    }
  }
  const groupOf = (name: string) => config.fixed.find((group) => group.includes(name)) ?? [name];
  const root0 = await firstCommit(root);
  const packages: PackageCheck[] = [];
  for (const pkg of published) {
    if (config.ignore.includes(pkg.name)) continue;
    const tag = await lastReleaseTag(root, pkg.name);
    const tagVersion = tag?.slice(pkg.name.length + 1);
    // After `changeset version` and before publishing, the changesets are gone but the version
    // is bumped: changes up to the bump are in its changelog, so compare from the bump commit.
    const bump = tag !== undefined && tagVersion === pkg.version ? undefined : await versionCommit(root, pkg.relativeDir, pkg.version);
    const bumpIsNewer = bump !== undefined && tag !== undefined && (await isAncestor(root, tag, bump)) && !(await isAncestor(root, bump, tag));
    const base = bumpIsNewer ? bump : (tag ?? root0);
    const baseKind: PackageCheck['baseKind'] = bumpIsNewer ? 'version-bump' : tag === undefined ? 'first-commit' : 'release-tag';
    const changedFiles = (await changedFilesSince(root, base, pkg.relativeDir)).filter(isPublishedSource);
    const group = groupOf(pkg.name);
    const named = changesets.filter((changeset) => pkg.name in changeset.releases);
    // In a fixed group every member is released at the group's highest bump; a version already
    // bumped since the tag counts as declared.
    const declared = changesets
      .flatMap((changeset) => group.map((member) => changeset.releases[member] ?? 'none'))
      .reduce<Bump>((highest, level) => maxBump(highest, level), bumpIsNewer && tagVersion !== undefined ? versionBump(tagVersion, pkg.version) : 'none');
    const apiChanges = tag === undefined ? [] : await apiDiffSince(root, tag, pkg);
    const required = bumpForVersion(apiChanges.reduce<Bump>((highest, change) => maxBump(highest, change.bump), 'none'), tagVersion ?? pkg.version);
    packages.push({ name: pkg.name, base, baseKind, changedFiles, declared, required, apiChanges });
    const since =
      baseKind === 'first-commit'
        ? `the first commit (${base.slice(0, 12)}; no release tag ${pkg.name}@* yet)`
        : baseKind === 'version-bump'
          ? `the commit that set version ${pkg.version} (${base.slice(0, 12)})`
          : `its last release ${tag ?? ''}`;
    if (changedFiles.length > 0 && named.length === 0) {
      const shown = changedFiles.slice(0, 5).join(', ') + (changedFiles.length > 5 ? `, and ${changedFiles.length - 5} more` : '');
      problems.push(`${pkg.name} changed since ${since} (${shown}) but no pending changeset names it. Add one with \`npx changeset add\`.`);
    }
    if (bumpBelow(declared, required)) {
      const listed = apiChanges.filter((change) => !bumpBelow(bumpForVersion(change.bump, pkg.version), required));
      const reasons = listed.slice(0, 6).map((change) => `${change.kind} ${change.name}`).join('; ');
      problems.push(
        `${pkg.name}: the API reports changed since ${tag} in a way that needs at least a ${required} bump (${reasons}), ` +
          `but pending changesets declare ${declared === 'none' ? 'no bump' : declared}. Raise the bump in the changeset (VERSIONING.md says why).`,
      );
    }
  }
  if (options.plan === true && changesets.length > 0) {
    for (const planned of await releasePlan(root)) {
      const declared = packages.find((pkg) => pkg.name === planned.name)?.declared ?? 'none';
      if (bumpBelow(declared, planned.type)) {
        problems.push(
          `changesets would release ${planned.name} ${planned.oldVersion} → ${planned.newVersion} (${planned.type}) although its changesets declare ${declared}: ` +
            'a peer dependency bumped out of its range makes changesets bump the dependent major (and a fixed group follows). ' +
            'Widen the peer range and set onlyUpdatePeerDependentsWhenOutOfRange in .changeset/config.json (docs/releasing.md).',
        );
      }
    }
  }
  return { status: problems.length === 0 ? 'passed' : 'failed', problems, packages };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { strict: { type: 'boolean', default: false } } });
  const result = await checkChangesets(repoRoot, { plan: true });
  if (result.status === 'skipped') {
    console.warn(`changeset:check skipped: ${result.reason}`);
    process.exitCode = values.strict ? 1 : 0;
  } else {
    for (const pkg of result.packages) {
      console.log(`${pkg.name}: ${pkg.changedFiles.length} changed file(s) since ${pkg.base.slice(0, 40)}; changesets declare ${pkg.declared}; API needs ${pkg.required}`);
    }
    for (const problem of result.problems) console.error(problem);
    process.exitCode = result.status === 'failed' ? 1 : 0;
  }
}
