// What a consumer installs: each published package is packed with npm pack, then publint and
// arethetypeswrong check the tarball, and every entry of the exports map loads as ESM and as CJS
// with the same exports.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryFile, exportEntries } from '../../scripts/release/export-entries';
import { lintTarball, type PackageLintResult } from '../../scripts/release/package-lint';
import { packPackage } from '../../scripts/release/pack-package';
import { runChecked } from '../../scripts/release/run-command';
import { listPublishedPackages, repoRoot } from '../../scripts/release/workspace-packages';

const packages = listPublishedPackages();
const results = new Map<string, PackageLintResult>();
const destination = mkdtempSync(join(tmpdir(), 'agentry-lint-'));

beforeAll(async () => {
  for (const pkg of packages) {
    const packed = await packPackage(pkg, destination);
    results.set(pkg.name, await lintTarball(join(destination, packed.file)));
  }
}, 120_000);
afterAll(() => rmSync(destination, { recursive: true, force: true }));

describe.each(packages.map((pkg) => pkg.name))('the packed tarball of %s', (name) => {
  it('is clean under publint (every level, warnings as errors)', () => {
    expect(results.get(name)?.publint).toEqual([]);
  });

  it('resolves types for ESM and CJS consumers of every entry (arethetypeswrong; node10 not supported)', () => {
    expect(results.get(name)?.attw).toEqual([]);
  });
});

describe('entry points at run time', () => {
  it('every entry of every exports map loads with import, and with require unless the map declares it ESM-only, with the same export names', async () => {
    const entries = packages.flatMap((pkg) =>
      exportEntries(pkg).map((entry) => ({ specifier: entry.specifier, esm: entry.esm && entryFile(pkg, entry.esm), cjs: entry.cjs && entryFile(pkg, entry.cjs) })),
    );
    // A plain Node process, not a vitest worker: import() and require() behave as for users.
    const script = `
      const out = {};
      for (const entry of ${JSON.stringify(entries)}) {
        const names = (module, skip) => Object.keys(module).filter((key) => !skip.includes(key)).sort();
        const load = async (how) => {
          try { return how === 'esm' ? names(await import(entry.esm), ['default', 'module.exports']) : names(require(entry.cjs), ['default', '__esModule']); }
          catch (error) { return 'fails: ' + String(error.message).split('\\n')[0]; }
        };
        out[entry.specifier] = { esm: entry.esm ? await load('esm') : null, cjs: entry.cjs ? await load('cjs') : null };
      }
      console.log(JSON.stringify(out));`;
    const stdout = await runChecked(process.execPath, ['--input-type=commonjs', '-e', `(async () => { ${script} })()`], { cwd: repoRoot });
    const loaded = JSON.parse(stdout) as Record<string, { esm: string[] | string | null; cjs: string[] | string | null }>;
    for (const [specifier, { esm, cjs }] of Object.entries(loaded)) {
      expect(Array.isArray(esm) && esm.length > 0, `import('${specifier}') ${typeof esm === 'string' ? esm : 'has no exports'}`).toBe(true);
      if (cjs === null) continue;
      expect(cjs, `require('${specifier}'): the CJS build must load and export what the ESM build does`).toEqual(esm);
    }
  }, 60_000);
});
