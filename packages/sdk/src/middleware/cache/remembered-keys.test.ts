import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryKeyValueStore } from '../../stores/memory-key-value-store';
import { cacheEntryKey, forgetRememberedKeys, isTextKey, rememberCacheEntryKey, rememberedKeyCount, type CacheTarget } from './cache-key';
import { cacheMiddleware } from './cache-middleware';
import { createPacks, runtimeWith } from './cache-test-kit';
import { createRememberedKeys } from './remembered-keys';

const base = { tenant: 'acme', agent: 'summarize', version: '1.0.0' };

/** A private copy, as the cache makes one: parsed from the input's JSON. */
const copyOf = (input: unknown): unknown => JSON.parse(JSON.stringify(input));

afterEach(() => forgetRememberedKeys());

describe('createRememberedKeys', () => {
  it('finds a remembered key for the same input and for an equal one built anew, in its namespace only', () => {
    const keys = createRememberedKeys();
    const input = { limit: 3, question: 'refunds?', tags: ['a', 'b'] };
    keys.remember('k1', 7, copyOf(input));
    expect(keys.find(7, input)).toBe('k1');
    expect(keys.find(7, copyOf(input))).toBe('k1');
    expect(keys.find(8, input)).toBeUndefined();
    expect(keys.has('k1')).toBe(true);
  });

  it('never serves an input changed since its key was remembered', () => {
    const keys = createRememberedKeys();
    const input = { question: 'refunds?', tags: ['a'] };
    keys.remember('k1', 1, copyOf(input));
    input.tags.push('b');
    expect(keys.find(1, input)).toBeUndefined();
    input.tags.pop();
    input.question = 'refunds!';
    expect(keys.find(1, input)).toBeUndefined();
  });

  it('refuses what JSON would rewrite: undefined, NaN, infinities, holes, arrays for objects', () => {
    const cases: [unknown, unknown][] = [
      [{ a: 1 }, { a: 1, b: undefined }],
      [{ a: null }, { a: Number.NaN }],
      [{ a: null }, { a: Number.POSITIVE_INFINITY }],
      [[null], [undefined]],
      // eslint-disable-next-line no-sparse-arrays
      [[null, 1], [, 1]],
      [{}, []],
      [[], {}],
      [{ a: [] }, { a: {} }],
    ];
    for (const [remembered, asked] of cases) {
      const keys = createRememberedKeys();
      keys.remember('k', 1, copyOf(remembered));
      expect(keys.find(1, asked), JSON.stringify([remembered, asked])).toBeUndefined();
    }
  });

  it('is bounded: past 1,000 keys the oldest is forgotten first', () => {
    const keys = createRememberedKeys();
    for (let index = 0; index < 1_500; index++) keys.remember(`k${index}`, 1, { n: index });
    expect(keys.size).toBe(1_000);
    expect(keys.find(1, { n: 0 })).toBeUndefined();
    expect(keys.has('k0')).toBe(false);
    expect(keys.find(1, { n: 1_499 })).toBe('k1499');
  });
});

describe.each([
  ['in-process text keys', true],
  ['shared (hashed) keys', false],
] as const)('cacheEntryKey with remembered %s', (_name, inProcess) => {
  /** The key the target gets with nothing remembered: the definition a remembered key must equal. */
  function writtenKey(target: CacheTarget, vary?: string): string {
    forgetRememberedKeys();
    return cacheEntryKey(target, vary, inProcess);
  }

  it('always equals the key written from scratch, whatever was remembered before (property)', () => {
    const json = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<unknown>;
    const withOddities = fc.oneof(json, fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(json, fc.constant(undefined), fc.constant(Number.NaN), fc.constant(-0)), { maxKeys: 3 }));
    fc.assert(
      fc.property(
        fc.array(withOddities, { minLength: 1, maxLength: 5 }),
        fc.nat(),
        fc.constantFrom('the same object', 'a structured clone', 'another value'),
        withOddities,
        fc.option(fc.constantFrom('u1', 'u2'), { nil: undefined }),
        (hit, pick, how, other, vary) => {
          const chosen = hit[pick % hit.length];
          const asked = how === 'the same object' ? chosen : how === 'a structured clone' ? structuredClone(chosen) : other;
          const expected = writtenKey({ ...base, input: asked }, vary);
          for (const input of hit) {
            const target = { ...base, input };
            rememberCacheEntryKey(cacheEntryKey(target, vary, inProcess));
          }
          expect(cacheEntryKey({ ...base, input: asked }, vary, inProcess)).toBe(expected);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('is served from memory for an equal input, and never to another tenant, agent, version or vary', () => {
    const target = { ...base, input: { question: 'refunds?' } };
    const key = writtenKey(target);
    cacheEntryKey(target, undefined, inProcess);
    rememberCacheEntryKey(key);
    expect(rememberedKeyCount()).toBe(1);
    expect(cacheEntryKey({ ...base, input: { question: 'refunds?' } }, undefined, inProcess)).toBe(key);
    for (const other of [{ tenant: 'globex' }, { agent: 'echo' }, { version: '1.0.1' }]) {
      expect(cacheEntryKey({ ...target, ...other }, undefined, inProcess)).not.toBe(key);
    }
    expect(cacheEntryKey(target, 'user-1', inProcess)).not.toBe(key);
  });
});

describe('remembered keys of the two kinds', () => {
  it('are kept apart: a shared key is never handed to an in-process lookup, nor the reverse', () => {
    const target = { ...base, input: { question: 'refunds?' } };
    const shared = cacheEntryKey(target, undefined, false);
    const text = cacheEntryKey(target, undefined, true);
    expect(isTextKey(text) && !isTextKey(shared)).toBe(true);
    rememberCacheEntryKey(shared);
    expect(cacheEntryKey(target, undefined, true)).toBe(text);
    rememberCacheEntryKey(text);
    expect(cacheEntryKey(target, undefined, false)).toBe(shared);
    expect(rememberedKeyCount()).toBe(2);
  });

  it.each([true, false])('come from what the key was made of, not from a target changed since (in process: %s)', (inProcess) => {
    // A caller reusing one target object: the key is made, the store is asked, and by the time it
    // answers the target names another tenant and input.
    const target = { ...base, input: { question: 'refunds?' } };
    const acmeKey = cacheEntryKey(target, undefined, inProcess);
    target.tenant = 'globex';
    target.input.question = 'secrets?';
    rememberCacheEntryKey(acmeKey);
    expect(cacheEntryKey({ ...base, tenant: 'globex', input: { question: 'secrets?' } }, undefined, inProcess)).not.toBe(acmeKey);
    expect(cacheEntryKey({ ...base, tenant: 'globex', input: { question: 'refunds?' } }, undefined, inProcess)).not.toBe(acmeKey);
    expect(cacheEntryKey({ ...base, input: { question: 'secrets?' } }, undefined, inProcess)).not.toBe(acmeKey);
    expect(cacheEntryKey({ ...base, input: { question: 'refunds?' } }, undefined, inProcess)).toBe(acmeKey);
  });

  it('ignore a string that is not a key this module made', () => {
    rememberCacheEntryKey('cache:e:acme:planted');
    rememberCacheEntryKey('[not json');
    rememberCacheEntryKey('["x",{}]');
    expect(rememberedKeyCount()).toBe(0);
  });
});

describe('cacheMiddleware and remembered keys', () => {
  it('remembers the keys of inputs that hit, not of every miss', async () => {
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
