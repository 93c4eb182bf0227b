import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheEntryKey, isTextKey, type CacheTarget } from './cache-key';
import { createMemoryKeyValueStore } from '../../stores/memory-key-value-store';
import { cacheMiddleware } from './cache-middleware';
import { createPacks, runtimeWith } from './cache-test-kit';
import { forgetRememberedKeys, rememberKey, rememberedKey, rememberedKeyCount } from './remembered-keys';

const base = { tenant: 'acme', agent: 'summarize', version: '1.0.0' };

/** The key the target gets with nothing remembered: the definition a remembered key must equal. */
function writtenKey(target: CacheTarget, vary?: string): string {
  forgetRememberedKeys();
  return cacheEntryKey(target, vary, true);
}

afterEach(() => forgetRememberedKeys());

function namespaceOf(key: string): number {
  return (JSON.parse(key) as [number])[0];
}

describe('remembered in-process keys', () => {
  it('serve an admitted input its own key, and an equal input built anew the same key', () => {
    const target = { ...base, input: { limit: 3, question: 'refunds?', tags: ['a', 'b'] } };
    const key = writtenKey(target);
    rememberKey(key);
    const copy = JSON.parse(JSON.stringify(target.input)) as unknown;
    // Found without writing the key: the remembered one is served.
    expect(rememberedKey(namespaceOf(key), target.input)).toBe(key);
    expect(rememberedKey(namespaceOf(key), copy)).toBe(key);
    expect(cacheEntryKey(target, undefined, true)).toBe(key);
    expect(cacheEntryKey({ ...base, input: copy }, undefined, true)).toBe(key);
  });

  it('are never served to an input changed since it was admitted, nor to another tenant, agent, version or vary', () => {
    const input = { question: 'refunds?', tags: ['a'] };
    const key = writtenKey({ ...base, input });
    rememberKey(key);
    input.tags.push('b');
    expect(rememberedKey(namespaceOf(key), input)).toBeUndefined();
    expect(cacheEntryKey({ ...base, input }, undefined, true)).toBe(writtenKey({ ...base, input }));
    rememberKey(key);
    for (const other of [{ tenant: 'globex' }, { agent: 'echo' }, { version: '1.0.1' }]) {
      expect(cacheEntryKey({ ...base, ...other, input: { question: 'refunds?', tags: ['a'] } }, undefined, true)).not.toBe(key);
    }
    expect(cacheEntryKey({ ...base, input: { question: 'refunds?', tags: ['a'] } }, 'user-1', true)).not.toBe(key);
  });

  it('are refused where JSON would rewrite the input: undefined, NaN, infinities, holes, arrays for objects', () => {
    const cases: [unknown, unknown][] = [
      [{ a: 1 }, { a: 1, b: undefined }],
      [{ a: null }, { a: Number.NaN }],
      [{ a: null }, { a: Number.POSITIVE_INFINITY }],
      [[null], [undefined]],
      // eslint-disable-next-line no-sparse-arrays
      [[null, 1], [, 1]],
      [{}, []],
      [[], {}],
    ];
    for (const [admitted, asked] of cases) {
      rememberKey(writtenKey({ ...base, input: admitted }));
      expect(cacheEntryKey({ ...base, input: asked }, undefined, true), JSON.stringify([admitted, asked])).toBe(writtenKey({ ...base, input: asked }));
    }
  });

  it('always equal the key written from scratch, whatever was remembered before (property)', () => {
    const json = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<unknown>;
    const withOddities = fc.oneof(json, fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(json, fc.constant(undefined), fc.constant(Number.NaN), fc.constant(-0)), { maxKeys: 3 }));
    fc.assert(
      fc.property(
        fc.array(withOddities, { minLength: 1, maxLength: 5 }),
        fc.nat(),
        fc.constantFrom('the same object', 'a structured clone', 'another value'),
        withOddities,
        fc.option(fc.constantFrom('u1', 'u2'), { nil: undefined }),
        (admitted, pick, how, other, vary) => {
          const chosen = admitted[pick % admitted.length];
          const asked = how === 'the same object' ? chosen : how === 'a structured clone' ? structuredClone(chosen) : other;
          const expected = writtenKey({ ...base, input: asked }, vary);
          for (const input of admitted) {
            const key = cacheEntryKey({ ...base, input }, vary, true);
            if (isTextKey(key)) rememberKey(key);
          }
          expect(cacheEntryKey({ ...base, input: asked }, vary, true)).toBe(expected);
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('are bounded: the oldest are forgotten first, and a forgotten key is simply written again', () => {
    const keys: string[] = [];
    for (let index = 0; index < 1_500; index++) {
      const key = cacheEntryKey({ ...base, input: { n: index } }, undefined, true);
      rememberKey(key);
      keys.push(key);
    }
    expect(rememberedKeyCount()).toBe(1_000);
    const namespace = namespaceOf(keys[0]!);
    expect(rememberedKey(namespace, { n: 0 })).toBeUndefined();
    expect(rememberedKey(namespace, { n: 1_499 })).toBe(keys[1_499]);
    expect(cacheEntryKey({ ...base, input: { n: 0 } }, undefined, true)).toBe(keys[0]);
  });

  it('are kept by the cache for inputs that hit, not for every miss', async () => {
    const cache = cacheMiddleware({ store: createMemoryKeyValueStore() });
    const runtime = runtimeWith(createPacks().packs, [cache]);
    for (let index = 0; index < 5; index++) await runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: `unique ${index}` } });
    expect(rememberedKeyCount()).toBe(0);
    await runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: 'unique 0' } });
    expect(rememberedKeyCount()).toBe(1);
    const again = await runtime.invoke({ agent: 'echo', tenant: 'acme', input: { text: 'unique 0' } });
    expect(again.cache).toMatchObject({ hit: true });
    expect(rememberedKeyCount()).toBe(1);
  });
});
