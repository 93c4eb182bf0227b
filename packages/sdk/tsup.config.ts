import { defineConfig } from 'tsup';

// One build per public entry; the export map in package.json mirrors `entry` (a test checks it).
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    server: 'src/server/index.ts',
    redis: 'src/redis/index.ts',
    testing: 'src/testing/index.ts',
    mcp: 'src/mcp/index.ts',
    cli: 'src/cli/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', server: 'src/server/index.ts', redis: 'src/redis/index.ts', testing: 'src/testing/index.ts', mcp: 'src/mcp/index.ts' } },
  // Peers and optional heavy dependencies stay imports, never bundled.
  external: ['vitest', 'ioredis'],
  target: 'node22',
  platform: 'node',
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
});
