import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';

/** The original definition: JSON.stringify with a replacer that rebuilds every object with sorted keys. */
function reference(value: unknown): string {
  return (
    JSON.stringify(value, (_key, item: unknown) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(item).sort()) sorted[key] = (item as Record<string, unknown>)[key];
      return sorted;
    }) ?? 'null'
  );
}

describe('canonicalJson', () => {
  it('sorts keys at every depth, so equal values built in any key order give one string', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null], c: 'x' } })).toBe('{"a":{"c":"x","d":[true,null]},"b":1}');
    expect(canonicalJson({ a: { c: 'x', d: [true, null] }, b: 1 })).toBe(canonicalJson({ b: 1, a: { d: [true, null], c: 'x' } }));
  });

  it('gives exactly the output of the replacer-based definition for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 500 },
    );
  });

  it('gives exactly the output of the replacer-based definition for any value JSON.stringify accepts', () => {
    const anything = fc.anything({
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
    });
    fc.assert(
      fc.property(anything, (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 1_000 },
    );
  });

  it('quotes every string and key as JSON.stringify does, control characters and lone surrogates included', () => {
    const anyText = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((codes) => String.fromCharCode(...codes));
    fc.assert(
      fc.property(fc.dictionary(anyText, fc.oneof(anyText, fc.array(anyText))), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 500 },
    );
  });

  it('matches the definition on the edge cases it hands over: index keys, __proto__, toJSON, boxed values, undefined', () => {
    const edgeCases: unknown[] = [
      { 10: 'a', 9: 'b', x: 1, '1a': 2 },
      JSON.parse('{"__proto__": {"a": 1}, "b": 2}'),
      { when: new Date(0), nested: { toJSON: () => ({ z: 1, y: 2 }) } },
      [new Number(1), new String('s'), new Boolean(false)],
      { skipped: undefined, fn: () => 1, list: [undefined, () => 1, Symbol('s')] },
      undefined,
      Number.NaN,
      [Number.POSITIVE_INFINITY, -0],
      new Map([['a', 1]]),
      Object.assign(Object.create(null) as object, { b: 1, a: 2 }),
      { toJSON: 'not a function', a: 1 },
      'line\nbreak "quoted" \u2028 \ud800',
    ];
    for (const value of edgeCases) expect(canonicalJson(value)).toBe(reference(value));
  });

  it('throws as the definition does on a bigint and on a cycle', () => {
    expect(() => canonicalJson({ big: 1n })).toThrow(TypeError);
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    // The definition rebuilds every object, so JSON.stringify never sees the cycle: it overflows the stack.
    expect(() => reference(cycle)).toThrow(RangeError);
    expect(() => canonicalJson(cycle)).toThrow(RangeError);
  });
});
