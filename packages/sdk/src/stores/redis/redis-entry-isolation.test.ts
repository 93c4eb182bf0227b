import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const sourceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every module reachable from `entry` through static relative imports, with the bare packages they import. */
function reachable(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    // Type-only imports are erased at build time, so they cannot load a package.
    for (const match of source.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
      const specifier = match[1]!;
      if (!specifier.startsWith('.')) {
        packages.add(specifier);
        continue;
      }
      const base = resolve(dirname(file), specifier);
      const target = [`${base}.ts`, `${base}/index.ts`].find((candidate) => existsSync(candidate));
      if (target !== undefined) pending.push(target);
    }
  }
  return { files, packages };
}

describe('the Redis stores stay behind their own entry', () => {
  it('the root entry never loads ioredis', () => {
    const { files, packages } = reachable(resolve(sourceRoot, 'index.ts'));
    expect(files.size).toBeGreaterThan(10);
    expect(packages.has('ioredis')).toBe(false);
    expect([...files].filter((file) => file.includes('/stores/redis/'))).toEqual([]);
  });

  it('the redis entry does load it', () => {
    expect(reachable(resolve(sourceRoot, 'stores/redis/index.ts')).packages.has('ioredis')).toBe(true);
  });
});
