import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiUpdateCommand, compareApiReports, renderApiReports, sameSurface, writeApiReports } from '../../scripts/release/api-report';
import { bumpForVersion, diffApiReports } from '../../scripts/release/api-report-diff';
import { exportEntries } from '../../scripts/release/export-entries';
import { listPublishedPackages, type WorkspacePackage } from '../../scripts/release/workspace-packages';
import { apiReport } from './git-fixture';

describe('API reports of this repository', () => {
  it('has one committed report per entry of every exports map, equal to the built .d.ts (update with `npm run api:update`)', () => {
    const reports = renderApiReports();
    const entries = listPublishedPackages().flatMap(exportEntries);
    expect(reports.map((report) => report.entry.specifier).sort()).toEqual(entries.map((entry) => entry.specifier).sort());
    const problems = compareApiReports(reports);
    expect(problems.map((problem) => problem.message).join('\n\n'), `\nUpdate the reports with \`${apiUpdateCommand}\` after reviewing the change.`).toBe('');
  }, 120_000);
});

describe('the API report gate on a package whose signature changes', () => {
  const root = mkdtempSync(join(tmpdir(), 'agentry-api-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function fixturePackage(dts: string): WorkspacePackage {
    const dir = join(root, 'packages', 'lib');
    mkdirSync(join(dir, 'dist'), { recursive: true });
    const packageJson = { name: '@fixture/lib', version: '1.0.0', exports: { '.': { import: { types: './dist/index.d.ts', default: './dist/index.js' } }, './package.json': './package.json' } };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(packageJson));
    writeFileSync(join(dir, 'dist', 'index.d.ts'), dts);
    return { name: '@fixture/lib', version: '1.0.0', dir, relativeDir: 'packages/lib', shortName: 'lib', packageJson };
  }

  it('fails with a message naming the changed export and `npm run api:update` until the report is updated', () => {
    const before = renderApiReports([fixturePackage('/** Greets. */\nexport declare function greet(name: string): string;\n')]);
    expect(writeApiReports(before, root)).toEqual(['api-reports/lib.api.md']);
    expect(compareApiReports(before, root)).toEqual([]);

    const after = renderApiReports([fixturePackage('/** Greets. */\nexport declare function greet(name: string, loud: boolean): string;\n')]);
    const problems = compareApiReports(after, root);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/^api-reports\/lib\.api\.md is out of date: the public surface of @fixture\/lib changed \(changed greet\)\. If the change is intended, run `npm run api:update`/);

    writeApiReports(after, root);
    expect(compareApiReports(after, root)).toEqual([]);
  }, 120_000);
});

describe('API report diff', () => {
  const report = (...declarations: string[]) => apiReport('@x/y', declarations);

  it('calls a removed export major and an added one minor', () => {
    expect(diffApiReports(report('export const a: 1;', 'export const b: 2;'), report('export const a: 1;'))).toEqual({ changes: [{ kind: 'removed', name: 'b', bump: 'major' }], bump: 'major' });
    expect(diffApiReports(report('export const a: 1;'), report('export const a: 1;', 'export type C = string;')).bump).toBe('minor');
  });

  it('calls a changed signature major, and reordering or comments no change', () => {
    expect(diffApiReports(report('export function f(a: string): void;'), report('export function f(a: number): void;')).bump).toBe('major');
    const one = report('export interface I {\n    a: string;\n    b?: number;\n}');
    const reordered = report('export interface I {\n    b?: number;\n    // (undocumented)\n    a: string;\n}');
    expect(diffApiReports(one, reordered)).toEqual({ changes: [], bump: 'none' });
  });

  it('calls an added optional member minor, an added required member or a changed member major', () => {
    const base = report('export interface Options {\n    retry?: {\n        limit?: number;\n    };\n}');
    expect(diffApiReports(base, report('export interface Options {\n    retry?: {\n        limit?: number;\n    };\n    timeout?: number;\n}')).changes).toEqual([
      { kind: 'extended', name: 'Options.timeout', bump: 'minor' },
    ]);
    expect(diffApiReports(base, report('export interface Options {\n    retry?: {\n        limit?: number;\n    };\n    timeout: number;\n}')).bump).toBe('major');
    expect(diffApiReports(base, report('export interface Options {\n    retry?: {\n        limit?: number;\n        backoff?: number;\n    };\n}')).changes).toEqual([
      { kind: 'changed', name: 'Options.retry', bump: 'major' },
    ]);
  });

  it('treats a new entry point as additions and a removed one as removals', () => {
    expect(diffApiReports(undefined, report('export const a: 1;')).bump).toBe('minor');
    expect(diffApiReports(report('export const a: 1;'), undefined).bump).toBe('major');
  });

  it('asks one level less before 1.0.0', () => {
    expect(bumpForVersion('major', '0.4.1')).toBe('minor');
    expect(bumpForVersion('minor', '0.4.1')).toBe('patch');
    expect(bumpForVersion('major', '1.0.0')).toBe('major');
  });
});

describe('comparing a committed report with a rendered one', () => {
  it('ignores the order of an inferred union of string literals, which the compiler prints differently between machines', () => {
    expect(sameSurface('status: "queued" | "running" | "failed";', 'status: "failed" | "queued" | "running";')).toBe(true);
  });

  it('still sees a union that gained or lost a member', () => {
    expect(sameSurface('status: "queued" | "running";', 'status: "queued" | "running" | "failed";')).toBe(false);
  });
});
