// Writes the published JSON Schema of the task-pack manifest. Run with
// `npx tsx scripts/generate-manifest-schema.ts` after changing the manifest's zod schemas; the test
// packages/sdk/src/core/task-pack-manifest.test.ts keeps the committed file equal to this output.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTaskPackManifestSchema } from '../packages/sdk/src/core/task-pack-manifest';

export const manifestSchemaPath = fileURLToPath(new URL('../packages/sdk/schemas/task-pack-manifest.schema.json', import.meta.url));

mkdirSync(dirname(manifestSchemaPath), { recursive: true });
writeFileSync(manifestSchemaPath, renderTaskPackManifestSchema());
console.log(`wrote ${manifestSchemaPath}`);
