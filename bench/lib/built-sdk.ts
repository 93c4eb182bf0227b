// The HTTP benchmarks measure the SDK as users run it: the built dist under plain node, the same
// way the peers (undici, eventsource-parser, node:http) run. Under tsx the SDK would be
// transpiled on load with helpers (`__name` around every closure) the published build has not.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const packages = [
  { src: 'packages/sdk/src', dist: ['packages/sdk/dist/index.js', 'packages/sdk/dist/server.js'] },
  { src: 'packages/task-packs/src', dist: ['packages/task-packs/dist/index.js'] },
];

let ensured = false;

/** Builds the packages (`npm run build`) when a dist file is missing or older than a source file, once per process. */
export function ensureBuilt(): void {
  if (ensured) return;
  const stale = packages.some(({ src, dist }) => {
    const built = Math.min(...dist.map((file) => mtimeOf(join(root, file))));
    return newestSource(join(root, src)) > built;
  });
  if (stale) {
    console.error('bench: packages/*/dist is missing or older than the sources; running `npm run build` first.');
    const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    if (build.status !== 0) throw new Error('bench: `npm run build` failed; the HTTP benchmarks run the built packages');
  }
  ensured = true;
}

/** `@agentry/sdk` as published: its built ESM entry. */
export async function importBuiltSdk(): Promise<typeof import('@agentry/sdk')> {
  ensureBuilt();
  return (await import(pathToFileURL(join(root, 'packages/sdk/dist/index.js')).href)) as typeof import('@agentry/sdk');
}

/** True when this Node runs `.ts` files itself (type stripping), so bench servers need no loader. */
export function nodeStripsTypes(): boolean {
  return typeof (process.features as { typescript?: string | false }).typescript === 'string';
}

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    newest = Math.max(newest, mtimeOf(join(entry.parentPath, entry.name)));
  }
  return newest;
}
