import { runCommand } from './run-command';

/** The commit a release is built from, and whether the working tree matched it. */
export interface GitState {
  commit: string;
  treeState: 'clean' | 'dirty';
}

/**
 * Reads HEAD and the working-tree state. A release from a dirty tree is allowed (release:dry is
 * for trying) but its statement says so, because the commit alone does not reproduce it.
 */
export async function gitState(root: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<GitState> {
  const head = await runCommand('git', ['rev-parse', 'HEAD'], { cwd: root });
  if (head.code !== 0) {
    if (env.GITHUB_SHA !== undefined) return { commit: env.GITHUB_SHA, treeState: 'clean' };
    throw new Error('release:dry needs a git checkout (git rev-parse HEAD failed): the release statement records the build commit');
  }
  const status = await runCommand('git', ['status', '--porcelain', '--untracked-files=normal'], { cwd: root });
  return { commit: head.stdout.trim(), treeState: status.stdout.trim() === '' ? 'clean' : 'dirty' };
}
