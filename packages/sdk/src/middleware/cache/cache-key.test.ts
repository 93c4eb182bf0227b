import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../core/canonical-json';
import { cacheEntryKey, type CacheTarget } from './cache-key';

const target: CacheTarget = { tenant: 'acme corp', agent: 'summarize', version: '1.2.0', input: { b: [1, { d: 2, c: 3 }], a: 'x' } };

describe('cacheEntryKey', () => {
  it('keeps the hashed key of earlier versions for shared stores, so entries outlive an upgrade', () => {
    const material = `${JSON.stringify([target.tenant, target.agent, target.version, 'u-1'])}\n${canonicalJson(target.input)}`;
    const expected = `cache:e:acme%20corp:${createHash('sha256').update(material).digest('base64url')}`;
    expect(cacheEntryKey(target, 'u-1')).toBe(expected);
    expect(cacheEntryKey(target, 'u-1', false)).toBe(expected);
  });

  it('gives an in-process store a text key shared by equal inputs in any key order, and hashes a long input', () => {
    const reordered = { ...target, input: { a: 'x', b: [1, { c: 3, d: 2 }] } };
    expect(cacheEntryKey(target, undefined, true)).toBe(cacheEntryKey(reordered, undefined, true));
    expect(cacheEntryKey(target, undefined, true)).toContain('{"a":"x","b":[1,{"c":3,"d":2}]}');
    const long = { ...target, input: { text: 'x'.repeat(600) } };
    expect(cacheEntryKey(long, undefined, true)).toBe(cacheEntryKey(long, undefined, false));
  });

  it('never gives two different targets one in-process key, whatever characters their fields hold', () => {
    const key = (tenant: string, agent: string, version: string, vary?: string) => cacheEntryKey({ tenant, agent, version, input: 'q' }, vary, true);
    const shifted = [key('ab', 'c', '1'), key('a', 'bc', '1'), key('a', 'b', 'c1'), key('2.ab', 'c', '1'), key('a', 'b', '1', '-'), key('a', 'b', '1')];
    expect(new Set(shifted).size).toBe(shifted.length);
    const field = fc.string({ maxLength: 6 });
    const anyTarget = fc.record({
      tenant: field,
      agent: field,
      version: field,
      vary: fc.option(field, { nil: undefined }),
      input: fc.oneof(field, fc.dictionary(field, field, { maxKeys: 2 })),
    });
    fc.assert(
      fc.property(anyTarget, anyTarget, (one, other) => {
        const same =
          one.tenant === other.tenant &&
          one.agent === other.agent &&
          one.version === other.version &&
          one.vary === other.vary &&
          canonicalJson(one.input) === canonicalJson(other.input);
        expect(cacheEntryKey(one, one.vary, true) === cacheEntryKey(other, other.vary, true)).toBe(same);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never hands a namespace to another tenant, even after its registry is cleared to bound memory', () => {
    const key = (tenant: string) => cacheEntryKey({ tenant, agent: 'a', version: '1', input: 'q' }, undefined, true);
    const before = key('first');
    const seen = new Map<string, string>([[before, 'first']]);
    // More namespaces than the registry keeps: it is cleared on the way.
    for (let index = 0; index < 100_001; index++) {
      const tenant = `t${index}`;
      const made = key(tenant);
      expect(seen.get(made) ?? tenant).toBe(tenant);
      seen.set(made, tenant);
    }
    const after = key('first');
    expect(seen.get(after) ?? 'first').toBe('first');
  });
});
