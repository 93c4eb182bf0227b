import { afterEach, describe, expect, it } from 'vitest';
import { checkChangesets } from '../../scripts/release/changeset-check';
import { runChecked } from '../../scripts/release/run-command';
import { repoRoot } from '../../scripts/release/workspace-packages';
import { apiReport, createGitFixture, type GitFixture } from './git-fixture';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const fixtures: GitFixture[] = [];
afterEach(() => {
  for (const fixture of fixtures.splice(0)) fixture.cleanup();
});

async function fixtureWith(version = '1.0.0', fixed: string[][] = []): Promise<GitFixture> {
  const fixture = await createGitFixture(
    [
      { name: '@fx/core', dir: 'packages/core', version },
      { name: '@fx/extra', dir: 'packages/extra', version },
    ],
    fixed,
  );
  fixtures.push(fixture);
  return fixture;
}

const changeset = (releases: Record<string, string>) => `---\n${Object.entries(releases).map(([name, bump]) => `'${name}': ${bump}`).join('\n')}\n---\n\nA change.\n`;

describe('changeset check', () => {
  it('fails when a published package changed since the first commit and no changeset names it, naming the package and the command', async () => {
    const fixture = await fixtureWith();
    fixture.write('packages/core/src/index.ts', 'export const one = 2;\n');
    await fixture.commit('change core');
    const result = await checkChangesets(fixture.root);
    expect(result.status).toBe('failed');
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^@fx\/core changed since the first commit .*packages\/core\/src\/index\.ts.*npx changeset add/);
  });

  it('counts uncommitted and new files, and passes once a changeset names the package', async () => {
    const fixture = await fixtureWith();
    fixture.write('packages/extra/src/new-file.ts', 'export const two = 2;\n');
    expect((await checkChangesets(fixture.root)).problems.join('\n')).toContain('@fx/extra changed');
    fixture.write('.changeset/brave-owls.md', changeset({ '@fx/extra': 'minor' }));
    expect(await checkChangesets(fixture.root)).toMatchObject({ status: 'passed', problems: [] });
  });

  it('compares with the last release tag, and ignores changes to test files', async () => {
    const fixture = await fixtureWith();
    fixture.write('packages/core/src/index.ts', 'export const one = 2;\n');
    await fixture.commit('change before the release');
    await fixture.git('tag', '@fx/core@1.0.0');
    await fixture.git('tag', '@fx/extra@1.0.0');
    fixture.write('packages/core/src/index.test.ts', 'test\n');
    await fixture.commit('tests only');
    const result = await checkChangesets(fixture.root);
    expect(result.status).toBe('passed');
    expect(result.packages.find((pkg) => pkg.name === '@fx/core')).toMatchObject({ base: '@fx/core@1.0.0', baseKind: 'release-tag', changedFiles: [] });
  });

  it('refuses a changeset that names an unknown package', async () => {
    const fixture = await fixtureWith();
    fixture.write('.changeset/typo.md', changeset({ '@fx/cor': 'patch' }));
    expect((await checkChangesets(fixture.root)).problems).toContain('.changeset/typo.md names @fx/cor, which is not a published workspace package');
  });

  it('degrades to skipped on a shallow clone, saying how to fetch the full history', async () => {
    const fixture = await fixtureWith();
    await fixture.commit('second');
    const clone = mkdtempSync(join(tmpdir(), 'agentry-shallow-'));
    try {
      await runChecked('git', ['clone', '-q', '--depth', '1', `file://${fixture.root}`, clone], { cwd: tmpdir() });
      const result = await checkChangesets(clone);
      expect(result.status).toBe('skipped');
      expect(result.reason).toMatch(/shallow clone.*git fetch --unshallow --tags.*fetch-depth: 0/);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });
});

describe('semver gate (API report diff against the last release)', () => {
  async function releasedWithReport(version: string): Promise<GitFixture> {
    const fixture = await fixtureWith(version);
    fixture.write('api-reports/core.api.md', apiReport('@fx/core', ['export function greet(name: string): string;', 'export interface Options {\n    loud?: boolean;\n}']));
    await fixture.commit('release');
    await fixture.git('tag', `@fx/core@${version}`);
    await fixture.git('tag', `@fx/extra@${version}`);
    return fixture;
  }

  it('fails when a removed or changed export ships with a smaller bump than major, naming what changed', async () => {
    const fixture = await releasedWithReport('1.4.0');
    fixture.write('packages/core/src/index.ts', 'export const changed = true;\n');
    fixture.write('api-reports/core.api.md', apiReport('@fx/core', ['export function greet(name: string, loud: boolean): string;']));
    fixture.write('.changeset/small.md', changeset({ '@fx/core': 'minor' }));
    const result = await checkChangesets(fixture.root);
    expect(result.status).toBe('failed');
    expect(result.problems[0]).toMatch(/^@fx\/core: the API reports changed since @fx\/core@1\.4\.0 in a way that needs at least a major bump \(changed core: greet; removed core: Options\), but pending changesets declare minor/);
    fixture.write('.changeset/small.md', changeset({ '@fx/core': 'major' }));
    expect((await checkChangesets(fixture.root)).status).toBe('passed');
  });

  it('needs a minor bump for an added export, and accepts it', async () => {
    const fixture = await releasedWithReport('1.4.0');
    fixture.write('packages/core/src/index.ts', 'export const added = true;\n');
    fixture.write('api-reports/core.api.md', apiReport('@fx/core', ['export function greet(name: string): string;', 'export interface Options {\n    loud?: boolean;\n    quiet?: boolean;\n}', 'export const added: true;']));
    fixture.write('.changeset/add.md', changeset({ '@fx/core': 'patch' }));
    const failed = await checkChangesets(fixture.root);
    expect(failed.problems[0]).toMatch(/needs at least a minor bump \(extended core: Options\.quiet; added core: added\)/);
    fixture.write('.changeset/add.md', changeset({ '@fx/core': 'minor' }));
    expect((await checkChangesets(fixture.root)).status).toBe('passed');
  });

  it('before 1.0.0, asks one level less (caret ranges treat 0.y as the major)', async () => {
    const fixture = await releasedWithReport('0.3.0');
    fixture.write('packages/core/src/index.ts', 'export const changed = true;\n');
    fixture.write('api-reports/core.api.md', apiReport('@fx/core', []));
    fixture.write('.changeset/zero.md', changeset({ '@fx/core': 'patch' }));
    expect((await checkChangesets(fixture.root)).problems[0]).toContain('needs at least a minor bump');
    fixture.write('.changeset/zero.md', changeset({ '@fx/core': 'minor' }));
    expect((await checkChangesets(fixture.root)).status).toBe('passed');
  });

  it('lets a fixed group partner carry the bump, and counts a version already bumped by `changeset version`', async () => {
    const fixture = await createGitFixture(
      [
        { name: '@fx/core', dir: 'packages/core', version: '1.0.0' },
        { name: '@fx/extra', dir: 'packages/extra', version: '1.0.0' },
      ],
      [['@fx/core', '@fx/extra']],
    );
    fixtures.push(fixture);
    fixture.write('api-reports/core.api.md', apiReport('@fx/core', ['export const a: 1;']));
    await fixture.commit('release');
    await fixture.git('tag', '@fx/core@1.0.0');
    await fixture.git('tag', '@fx/extra@1.0.0');
    fixture.write('api-reports/core.api.md', apiReport('@fx/core', ['export const a: 1;', 'export const b: 2;']));
    fixture.write('packages/core/src/index.ts', 'export const b = 2;\n');
    fixture.write('packages/extra/src/index.ts', 'export const c = 3;\n');
    fixture.write('.changeset/both.md', changeset({ '@fx/core': 'patch', '@fx/extra': 'minor' }));
    expect((await checkChangesets(fixture.root)).status).toBe('passed');
    // `changeset version`: versions bumped, changesets consumed; the check must still pass before publish.
    fixture.remove('.changeset/both.md');
    fixture.write('packages/core/package.json', `${JSON.stringify({ name: '@fx/core', version: '1.1.0' }, null, 2)}\n`);
    fixture.write('packages/extra/package.json', `${JSON.stringify({ name: '@fx/extra', version: '1.1.0' }, null, 2)}\n`);
    await fixture.commit('Version packages');
    const result = await checkChangesets(fixture.root);
    expect(result.status).toBe('passed');
    expect(result.packages.find((pkg) => pkg.name === '@fx/core')).toMatchObject({ baseKind: 'version-bump', declared: 'minor', required: 'minor' });
  });
});

describe('this repository', () => {
  it('names every changed published package in a pending changeset with a big enough bump, and changesets release nothing above what they declare', async (context) => {
    const result = await checkChangesets(repoRoot, { plan: true });
    if (result.status === 'skipped') {
      context.skip(`changeset check skipped: ${result.reason ?? ''}`);
      return;
    }
    expect(result.problems, result.problems.join('\n')).toEqual([]);
  }, 60_000);
});
