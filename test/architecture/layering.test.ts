// The SDK's folders are layers; imports point downward only. This test reads every source file's
// imports and fails naming the file and the import that points up. docs/architecture.md explains
// the order.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const sourceRoot = resolve('packages/sdk/src');

/** Lower numbers are lower layers; a file may import its own layer and any lower one. */
export const layers: Record<string, number> = {
  contract: 0,
  core: 1,
  stores: 2,
  middleware: 3,
  providers: 3,
  webhooks: 3,
  release: 3,
  runtime: 4,
  transports: 5,
  client: 6,
  server: 6,
  cli: 7,
  // Entry folders that only re-export a lower layer under a subpath.
  redis: 7,
  testing: 7,
  mcp: 7,
};

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' || entry.name === 'testing' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.includes('test-kit') ? [path] : [];
  });
}

function layerOf(file: string): string {
  return relative(sourceRoot, file).split('/')[0]!;
}

describe('layering of @agentry/sdk', () => {
  const files = sourceFiles(sourceRoot).filter((file) => layerOf(file) !== 'index.ts');

  it('knows the layer of every folder', () => {
    const unknown = [...new Set(files.map(layerOf))].filter((layer) => !(layer in layers));
    expect(unknown, 'add new folders to the layer map in test/architecture/layering.test.ts and docs/architecture.md').toEqual([]);
  });

  it('has no import that points to a higher layer', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/gm)) {
        const target = resolve(dirname(file), match[1]!);
        const to = relative(sourceRoot, target).split('/')[0]!;
        if (to in layers && layers[to]! > layers[from]!) violations.push(`${relative(sourceRoot, file)} imports ${match[1]} (${from} -> ${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps ioredis, vitest and the MCP SDK out of the root entry', () => {
    const rootGraph = new Set<string>();
    const visit = (file: string): void => {
      if (rootGraph.has(file)) return;
      rootGraph.add(file);
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)) {
        const specifier = match[1]!;
        if (!specifier.startsWith('.')) {
          rootGraph.add(`package:${specifier}`);
          continue;
        }
        const base = resolve(dirname(file), specifier);
        for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
          try {
            readFileSync(candidate);
            visit(candidate);
            break;
          } catch {
            /* try the next candidate */
          }
        }
      }
    };
    visit(join(sourceRoot, 'index.ts'));
    const packages = [...rootGraph].filter((entry) => entry.startsWith('package:'));
    expect(packages.filter((entry) => /ioredis|vitest|@modelcontextprotocol/.test(entry))).toEqual([]);
  });
});
