import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests import packages by their public names; these aliases point them at the sources,
// so a test proves the code in the tree, not a stale build.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@agentry\/sdk$/, replacement: src('./packages/sdk/src/index.ts') },
      { find: /^@agentry\/sdk\/(.*)$/, replacement: src('./packages/sdk/src/$1/index.ts') },
      { find: /^@agentry\/task-packs$/, replacement: src('./packages/task-packs/src/index.ts') },
      { find: /^@agentry\/task-packs\/(.*)$/, replacement: src('./packages/task-packs/src/$1/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
