import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', generator: 'src/generator/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  target: 'node22',
  platform: 'node',
  sourcemap: true,
  // The generator finds its templates from its own location: import.meta.url needs a CJS shim.
  shims: true,
  clean: true,
  external: ['@agentry/sdk', 'vitest'],
});
