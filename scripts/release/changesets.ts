// Pending changesets (.changeset/*.md) and the changesets config, read without @changesets/cli so
// the checks run in the test suite in milliseconds.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Bump } from './api-report-diff';

/** The parts of .changeset/config.json the checks read. */
export interface ChangesetConfig {
  fixed: string[][];
  linked: string[][];
  ignore: string[];
  baseBranch: string;
}

/** One pending changeset. */
export interface Changeset {
  /** File name, e.g. `foundation.md`. */
  file: string;
  /** Package name → bump. */
  releases: Record<string, Exclude<Bump, 'none'>>;
  summary: string;
}

/** Reads .changeset/config.json (defaults for absent fields). */
export function readChangesetConfig(root: string): ChangesetConfig {
  const path = join(root, '.changeset', 'config.json');
  const json = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Partial<ChangesetConfig>) : {};
  return { fixed: json.fixed ?? [], linked: json.linked ?? [], ignore: json.ignore ?? [], baseBranch: json.baseBranch ?? 'main' };
}

/** Parses one changeset file's text. */
export function parseChangeset(file: string, text: string): Changeset {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text.trimStart());
  if (match === null) throw new Error(`.changeset/${file} has no front matter (--- package: bump ---)`);
  const front = (parse(match[1]!) ?? {}) as Record<string, unknown>;
  const releases: Changeset['releases'] = {};
  for (const [name, bump] of Object.entries(front)) {
    if (bump !== 'major' && bump !== 'minor' && bump !== 'patch') {
      throw new Error(`.changeset/${file}: "${name}" has bump "${String(bump)}"; use major, minor or patch`);
    }
    releases[name] = bump;
  }
  return { file, releases, summary: match[2]!.trim() };
}

/** Every pending changeset in `root/.changeset`. */
export function readChangesets(root: string): Changeset[] {
  const dir = join(root, '.changeset');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.md') && file.toLowerCase() !== 'readme.md')
    .sort()
    .map((file) => parseChangeset(file, readFileSync(join(dir, file), 'utf8')));
}
