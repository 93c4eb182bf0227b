import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTaskPack } from './task-pack';
import { validateTaskPackManifest } from './task-pack-manifest';

const base = {
  id: 'lookup',
  version: '1.2.0',
  description: 'Looks things up.',
  input: z.object({ query: z.string() }),
  output: z.object({ answer: z.string() }),
  handler: () => ({ answer: 'x' }),
};

describe('defineTaskPack (specification v1)', () => {
  it('keeps packs written before v1 working: model granted, no tools, hosts or telemetry', () => {
    const pack = defineTaskPack({ ...base, streaming: true, limits: { timeoutMs: 5_000 } });
    expect(pack.capabilities).toEqual({ tools: [], network: { hosts: [] }, model: true, minTier: undefined });
    expect(pack.limits).toEqual({ timeoutMs: 5_000 });
    expect(pack.deterministic).toBe(true);
    expect(validateTaskPackManifest(pack.manifest)).toMatchObject({ success: true });
  });

  it('publishes capabilities, telemetry, limits, sdk range and determinism in the manifest', () => {
    const pack = defineTaskPack({
      ...base,
      capabilities: {
        tools: [{ name: 'search', description: 'Searches.', input: z.object({ q: z.string() }) }, 'notes.read'],
        network: { hosts: ['api.example.com', '*.example.org', '127.0.0.1:8080'] },
        model: true,
        minTier: 'pro',
      },
      telemetry: {
        events: { 'lookup.done': z.object({ hits: z.number() }).describe('One lookup finished.') },
        metrics: { lookup_hits_total: { kind: 'counter' }, lookup_latency_ms: { kind: 'histogram', unit: 'ms' } },
      },
      limits: { timeoutMs: 2_000, maxTokens: 500, maxConcurrency: 2 },
      sdk: '^0.1.0',
      deterministic: false,
    });
    expect(pack.manifest).toMatchObject({
      specificationVersion: 'v1',
      capabilities: {
        tools: [
          { name: 'search', description: 'Searches.', inputSchema: { type: 'object', required: ['q'] } },
          { name: 'notes.read', inputSchema: { type: 'object' } },
        ],
        network: { hosts: ['api.example.com', '*.example.org', '127.0.0.1:8080'] },
        model: true,
        minTier: 'pro',
      },
      telemetry: {
        events: { 'lookup.done': { description: 'One lookup finished.', schema: { type: 'object' } } },
        metrics: { lookup_hits_total: { kind: 'counter' }, lookup_latency_ms: { kind: 'histogram', unit: 'ms' } },
      },
      limits: { timeoutMs: 2_000, maxTokens: 500, maxConcurrency: 2 },
      sdk: '^0.1.0',
      deterministic: false,
    });
    expect(validateTaskPackManifest(pack.manifest)).toMatchObject({ success: true });
  });

  it('does not grant the model to a pack that has a capabilities block without `model`', () => {
    expect(defineTaskPack({ ...base, capabilities: {} }).capabilities.model).toBe(false);
  });

  it.each([
    ['a bad semver', { version: 'v1' }, '`version` must be a semantic version'],
    ['an input schema that is not an object', { input: z.string() }, '`input` must describe an object'],
    ['an output schema that is not an object', { output: z.array(z.string()) }, '`output` must describe an object'],
    ['an unknown capability', { capabilities: { filesystem: true } }, '`capabilities.filesystem` is not a known field'],
    ['a misspelt network block', { capabilities: { network: { host: ['a.com'] } } }, '`capabilities.network.host` is not a known field'],
    ['a host with a scheme', { capabilities: { network: { hosts: ['https://a.com'] } } }, '`capabilities.network.hosts[0]`'],
    ['a tool declared twice', { capabilities: { tools: ['a', { name: 'a' }] } }, '`capabilities.tools[1].name` declares "a" twice'],
    ['a tool input that is not an object', { capabilities: { tools: [{ name: 'a', input: z.number() }] } }, '`capabilities.tools[0].input` must describe an object'],
    ['a bad metric kind', { telemetry: { metrics: { hits: { kind: 'gauge' } } } }, '`telemetry.metrics.hits.kind`'],
    ['a bad metric name', { telemetry: { metrics: { 'Hits-Total': { kind: 'counter' } } } }, '`telemetry.metrics.Hits-Total`'],
    ['an event without a schema', { telemetry: { events: { done: {} } } }, '`telemetry.events.done` must be a zod schema'],
    ['a zero limit', { limits: { maxConcurrency: 0 } }, '`limits.maxConcurrency` must be a positive integer'],
    ['an unknown limit', { limits: { maxCost: 1 } }, '`limits.maxCost` is not a known field'],
    ['an unparsable sdk range', { sdk: 'latest' }, '`sdk` "latest" is not a semver range'],
    ['an sdk range excluding this SDK', { sdk: '^2.0.0' }, '`sdk` range "^2.0.0" does not include this SDK'],
    ['an unknown field', { capabilites: {} }, '`definition.capabilites` is not a known field'],
    ['an unknown specification version', { specificationVersion: 'v2' }, '`specificationVersion` "v2" is not supported'],
  ])('refuses %s with AGENTRY_INVALID_OPTIONS naming the field', (_case, change, message) => {
    const define = () => defineTaskPack({ ...base, ...change } as never);
    expect(define).toThrow(message);
    expect(define).toThrow(expect.objectContaining({ code: 'AGENTRY_INVALID_OPTIONS' }));
  });
});

describe('defineTaskPack from an existing pack', () => {
  it('derives a new version from a spread pack, rebuilding its manifest', () => {
    const first = defineTaskPack({ ...base, capabilities: { tools: ['search'] }, telemetry: { metrics: { hits_total: { kind: 'counter' } } } });
    const second = defineTaskPack({ ...first, version: '2.0.0' });
    expect(second.manifest).toEqual({ ...first.manifest, version: '2.0.0' });
    expect(second.capabilities).toEqual(first.capabilities);
  });
});
