// Type-checks a consumer of every public entry point (from the exports maps) with each TypeScript
// version compat-matrix.json promises, as ESM (.mts) and CJS (.cts) under NodeNext resolution.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as TypeScript from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCompatMatrix } from '../../scripts/release/compat-matrix';
import { exportEntries } from '../../scripts/release/export-entries';
import { listPublishedPackages, repoRoot } from '../../scripts/release/workspace-packages';

const require = createRequire(import.meta.url);

/** Every TypeScript compiler installed in node_modules (top level and nested), by major.minor. */
function installedCompilers(): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (modules: string, depth: number) => {
    const candidate = join(modules, 'typescript', 'package.json');
    if (existsSync(candidate)) {
      const { version } = require(candidate) as { version: string };
      const line = version.split('.').slice(0, 2).join('.');
      if (!found.has(line)) found.set(line, join(modules, 'typescript'));
    }
    if (depth === 0) return;
    for (const name of readdirSync(modules)) {
      const scoped = name.startsWith('@') ? readdirSync(join(modules, name)).map((inner) => join(name, inner)) : [name];
      for (const pkg of scoped) {
        const nested = join(modules, pkg, 'node_modules');
        if (existsSync(nested)) visit(nested, depth - 1);
      }
    }
  };
  visit(join(repoRoot, 'node_modules'), 1);
  return found;
}

// Inside node_modules so `@agentry/*` resolve through the workspace links, as for a real consumer.
const consumerDir = join(repoRoot, 'node_modules', '.cache', `agentry-consumer-${process.pid}`);
afterAll(() => rmSync(consumerDir, { recursive: true, force: true }));

function writeConsumers(): string[] {
  const entries = listPublishedPackages().flatMap(exportEntries);
  const specifiers = entries.map((entry) => entry.specifier);
  // Entries a map declares ESM-only (no `require` condition, e.g. the vitest-based testing kits) have no CJS consumer.
  const cjsSpecifiers = entries.filter((entry) => entry.cjsTypes != null).map((entry) => entry.specifier);
  mkdirSync(consumerDir, { recursive: true });
  const esm = specifiers.map((specifier, index) => `import * as entry${index} from '${specifier}';`);
  const cjs = cjsSpecifiers.map((specifier, index) => `import entry${index} = require('${specifier}');`);
  const use = (list: string[]) => `export const entries = [${list.map((_, index) => `entry${index}`).join(', ')}];\n`;
  writeFileSync(join(consumerDir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  writeFileSync(join(consumerDir, 'consumer.mts'), `${esm.join('\n')}\n${use(specifiers)}`);
  writeFileSync(join(consumerDir, 'consumer.cts'), `${cjs.join('\n')}\n${use(cjsSpecifiers)}`);
  return [join(consumerDir, 'consumer.mts'), join(consumerDir, 'consumer.cts')];
}

const matrix = loadCompatMatrix();
const compilers = installedCompilers();

describe('TypeScript consumers (compat-matrix.json typescript.consumers)', () => {
  it.each(matrix.typescript.consumers)('TypeScript %s type-checks ESM and CJS consumers of every entry point without errors', (line) => {
    const path = compilers.get(line);
    expect(path, `no TypeScript ${line} compiler in node_modules to prove the claim; install one or drop ${line} from compat-matrix.json`).toBeDefined();
    const ts = require(path!) as typeof TypeScript;
    const files = writeConsumers();
    const program = ts.createProgram(files, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      types: ['node'],
      typeRoots: [join(repoRoot, 'node_modules', '@types')],
    });
    // The consumers must type-check and our declarations must parse with this compiler. Fully
    // checking every .d.ts (ours and the dependencies') costs ~10 s per compiler for little more.
    const ours = (file: TypeScript.SourceFile) => /\/packages\/[^/]+\/dist\//.test(file.fileName);
    const consumers = program.getSourceFiles().filter((file) => files.includes(file.fileName));
    const diagnostics = [
      ...program.getOptionsDiagnostics(),
      ...program.getSourceFiles().filter(ours).flatMap((file) => program.getSyntacticDiagnostics(file)),
      ...consumers.flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]),
    ];
    const text = diagnostics.map((diagnostic) => `${diagnostic.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
    expect(text).toEqual([]);
    expect(program.getSourceFiles().some((file) => file.fileName.endsWith('.d.cts')), 'the CJS consumer resolved .d.cts declarations').toBe(true);
  }, 120_000);
});
