// What `changeset version` would actually do, from `changeset status --output`. Changesets can
// raise a bump on its own: a bumped peer dependency out of a dependent's range makes the dependent
// major, and a fixed group then carries everyone there (0.1.0 → 1.0.0 by accident).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Bump } from './api-report-diff';
import { runCommand } from './run-command';

/** One package of the release plan. */
export interface PlannedRelease {
  name: string;
  type: Exclude<Bump, 'none'>;
  oldVersion: string;
  newVersion: string;
}

/** Runs `changeset status --output` in `root` and returns its releases. */
export async function releasePlan(root: string): Promise<PlannedRelease[]> {
  const bin = join(dirname(createRequire(import.meta.url).resolve('@changesets/cli/package.json')), 'bin.js');
  const dir = mkdtempSync(join(tmpdir(), 'agentry-plan-'));
  try {
    const output = join(dir, 'plan.json');
    const result = await runCommand(process.execPath, [bin, 'status', '--output', output], { cwd: root });
    if (result.code !== 0) throw new Error(`changeset status failed (exit ${result.code}): ${(result.stdout + result.stderr).trim().slice(-800)}`);
    return (JSON.parse(readFileSync(output, 'utf8')) as { releases: PlannedRelease[] }).releases;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
