// The API reports are a semver gate compared byte for byte on every machine. An array-form
// `z.enum([...])` prints its members in the compiler's internal type order, which has differed
// between machines; the object form prints in source order. This test keeps the array form out
// of published source.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const packageSources = ['packages/sdk/src', 'packages/task-packs/src'].map((path) => resolve(path));

function publishedSourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : publishedSourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('declarations that print the same on every machine', () => {
  it('declares enum schemas as objects, never as array literals', () => {
    const offenders = packageSources
      .flatMap((root) => publishedSourceFiles(root))
      .filter((file) => /z\.enum\(\s*\[/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(process.cwd(), file));
    expect(offenders, 'write z.enum({ a: "a", b: "b" }) instead of z.enum(["a", "b"])').toEqual([]);
  });
});
