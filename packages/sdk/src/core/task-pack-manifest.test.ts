import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTaskPack } from './task-pack';
import { renderTaskPackManifestSchema, taskPackManifestJsonSchema, validateTaskPackManifest } from './task-pack-manifest';

const schemaFile = new URL('../../schemas/task-pack-manifest.schema.json', import.meta.url);

const pack = defineTaskPack({
  id: 'lookup',
  version: '1.0.0',
  description: 'Looks things up.',
  input: z.object({ query: z.string() }),
  output: z.object({ answer: z.string() }),
  capabilities: { tools: ['search'], network: { hosts: ['api.example.com'] } },
  telemetry: { events: { done: z.object({ hits: z.number() }) }, metrics: { hits_total: { kind: 'counter' } } },
  sdk: '^0.1.0',
  handler: () => ({ answer: 'x' }),
});

describe('task-pack manifest JSON Schema', () => {
  it('the committed schema equals what the zod schema generates (run `npx tsx scripts/generate-manifest-schema.ts` to update)', () => {
    expect(readFileSync(schemaFile, 'utf8')).toBe(renderTaskPackManifestSchema());
  });

  it('accepts the manifest defineTaskPack publishes and rejects a broken one, as the zod schema does', () => {
    const validate = new Ajv2020({ strict: false }).compile(taskPackManifestJsonSchema());
    expect(validate(pack.manifest), JSON.stringify(validate.errors)).toBe(true);
    const broken = { ...pack.manifest, version: '1.0', capabilities: { ...pack.manifest.capabilities, network: { hosts: ['http://x'] } } };
    expect(validate(broken)).toBe(false);
    expect(validateTaskPackManifest(broken)).toMatchObject({
      success: false,
      issues: [{ path: 'version' }, { path: 'capabilities.network.hosts.0' }],
    });
  });

  it('round-trips through JSON: a manifest read back from its JSON text still validates', () => {
    expect(validateTaskPackManifest(JSON.parse(JSON.stringify(pack.manifest)))).toMatchObject({ success: true });
  });
});
