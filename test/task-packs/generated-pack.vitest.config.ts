import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

// Runs a pack the generator wrote into a temp dir as its own `npm test` would, with the published
// package names pointed at this tree's sources (as the root config does), so the test proves the
// code in the tree rather than a build or a registry release.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@agentry\/sdk$/, replacement: repo('packages/sdk/src/index.ts') },
      { find: /^@agentry\/task-packs\/testing$/, replacement: repo('packages/task-packs/src/testing/index.ts') },
      { find: /^@agentry\/task-packs$/, replacement: repo('packages/task-packs/src/index.ts') },
    ],
  },
  test: {
    include: ['**/src/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 20_000,
  },
});
