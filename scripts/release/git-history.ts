// The git facts the changeset check needs: is the history complete, where was the last release,
// and which files changed since.
import { runCommand } from './run-command';

/** What the history can tell. */
export type HistoryState = { kind: 'complete' } | { kind: 'shallow' } | { kind: 'none'; reason: string };

/** Whether `root` is a git checkout with its full history. */
export async function historyState(root: string): Promise<HistoryState> {
  const inside = await runCommand('git', ['rev-parse', '--is-inside-work-tree'], { cwd: root });
  if (inside.code !== 0) return { kind: 'none', reason: 'not a git checkout' };
  const head = await runCommand('git', ['rev-parse', '--verify', 'HEAD'], { cwd: root });
  if (head.code !== 0) return { kind: 'none', reason: 'the repository has no commit yet' };
  const shallow = await runCommand('git', ['rev-parse', '--is-shallow-repository'], { cwd: root });
  return shallow.stdout.trim() === 'true' ? { kind: 'shallow' } : { kind: 'complete' };
}

function compareVersions(a: string, b: string): number {
  const parts = (version: string) => version.split(/[.+-]/).slice(0, 3).map((part) => Number.parseInt(part, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let index = 0; index < 3; index += 1) if (x[index] !== y[index]) return (x[index] ?? 0) - (y[index] ?? 0);
  return 0;
}

/** The highest `<name>@<version>` tag reachable from HEAD (the tags `changeset publish` creates), if any. */
export async function lastReleaseTag(root: string, name: string): Promise<string | undefined> {
  const result = await runCommand('git', ['tag', '--merged', 'HEAD', '--list', `${name}@*`], { cwd: root });
  const tags = result.stdout.split('\n').map((tag) => tag.trim()).filter((tag) => /@\d+\.\d+\.\d+/.test(tag));
  return tags.sort((a, b) => compareVersions(a.slice(name.length + 1), b.slice(name.length + 1))).at(-1);
}

/** The repository's first commit (the oldest root, if several). */
export async function firstCommit(root: string): Promise<string> {
  const result = await runCommand('git', ['rev-list', '--max-parents=0', 'HEAD'], { cwd: root });
  const roots = result.stdout.trim().split('\n').filter(Boolean);
  if (roots.length === 0) throw new Error('git rev-list found no root commit');
  return roots.at(-1)!;
}

/** Files under `dir` that differ between `base` and the working tree (committed, staged, unstaged or new). */
export async function changedFilesSince(root: string, base: string, dir: string): Promise<string[]> {
  const diff = await runCommand('git', ['diff', '--name-only', base, '--', dir], { cwd: root });
  if (diff.code !== 0) throw new Error(`git diff ${base} failed: ${diff.stderr.trim()}`);
  const untracked = await runCommand('git', ['ls-files', '--others', '--exclude-standard', '--', dir], { cwd: root });
  return [...new Set([...diff.stdout.split('\n'), ...untracked.stdout.split('\n')].map((file) => file.trim()).filter(Boolean))].sort();
}

/** A file's text at a revision, or undefined when it did not exist there. */
export async function fileAt(root: string, revision: string, path: string): Promise<string | undefined> {
  const result = await runCommand('git', ['show', `${revision}:${path}`], { cwd: root });
  return result.code === 0 ? result.stdout : undefined;
}

/** Files in a folder at a revision. */
export async function filesAt(root: string, revision: string, dir: string): Promise<string[]> {
  const result = await runCommand('git', ['ls-tree', '--name-only', `${revision}:${dir}`], { cwd: root });
  return result.code === 0 ? result.stdout.split('\n').filter(Boolean) : [];
}

/** The newest commit that introduced `"version": "<version>"` into `<dir>/package.json`, if any. */
export async function versionCommit(root: string, dir: string, version: string): Promise<string | undefined> {
  const result = await runCommand('git', ['log', '-1', '--format=%H', `-S"version": "${version}"`, '--', `${dir}/package.json`], { cwd: root });
  const commit = result.stdout.trim();
  return result.code === 0 && commit !== '' ? commit : undefined;
}

/** Whether `ancestor` is an ancestor of (or equal to) `descendant`. */
export async function isAncestor(root: string, ancestor: string, descendant: string): Promise<boolean> {
  return (await runCommand('git', ['merge-base', '--is-ancestor', ancestor, descendant], { cwd: root })).code === 0;
}
