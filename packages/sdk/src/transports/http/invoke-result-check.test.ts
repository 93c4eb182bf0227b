import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cacheInfoSchema, evalScoreSchema, invokeResultSchema, usageSchema } from '../../contract';
import { cacheInfoKeys, checkInvokeResult, evalScoreKeys, invokeResultKeys, usageKeys } from './invoke-result-check';

const count = fc.oneof(fc.nat(), fc.constantFrom(0, Number.MAX_SAFE_INTEGER));
const amount = fc.oneof(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.constant(0));
const usage = fc.record(
  {
    inputTokens: count,
    outputTokens: count,
    cachedInputTokens: count,
    cacheWriteTokens: count,
    reasoningTokens: count,
    costUsd: amount,
    latencyMs: amount,
    timeToFirstEventMs: amount,
    modelCalls: count,
  },
  { requiredKeys: ['inputTokens', 'outputTokens', 'cachedInputTokens', 'cacheWriteTokens', 'reasoningTokens', 'costUsd', 'latencyMs', 'modelCalls'] },
);
const evalScore = fc.record(
  { name: fc.string(), score: fc.double({ noNaN: true, noDefaultInfinity: true }), pass: fc.boolean(), reason: fc.string(), error: fc.string(), costUsd: amount },
  { requiredKeys: ['name', 'score', 'pass'] },
);
const result = fc.record({
  id: fc.string(),
  agent: fc.string(),
  version: fc.string(),
  output: fc.jsonValue(),
  usage,
  cache: fc.record({ hit: fc.boolean(), savedCostUsd: amount }, { requiredKeys: ['hit'] }),
  evals: fc.array(evalScore, { maxLength: 3 }),
  variant: fc.option(fc.string(), { nil: null }),
  requestId: fc.string(),
});

/** A JSON round trip, as a result arrives over the wire. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** Replaces the value at a random path of `value` by `replacement` (or deletes it), anywhere in the result. */
function mutate(value: unknown, path: number[], replacement: unknown, remove: boolean): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (let depth = 0; ; depth++) {
    const keys = Object.keys(node);
    if (keys.length === 0) return copy;
    const key = keys[path[depth]! % keys.length]!;
    const child = node[key];
    if (depth + 1 >= path.length || child === null || typeof child !== 'object') {
      if (remove) delete node[key];
      else node[key] = replacement;
      return copy;
    }
    node = child as Record<string, unknown>;
  }
}

describe('checkInvokeResult', () => {
  it('returns exactly what zod returns for well-formed results, keys in the same order', () => {
    fc.assert(
      fc.property(result, (generated) => {
        const json = wire(generated);
        const fast = checkInvokeResult(json);
        const slow = invokeResultSchema.parse(json);
        expect(fast).toBeDefined();
        expect(JSON.stringify(fast)).toBe(JSON.stringify(slow));
        expect(fast).toStrictEqual(slow);
      }),
      { numRuns: 300 },
    );
  });

  it('gives up (leaving zod to decide) on anything zod refuses or would strip', () => {
    const oddValue = fc.oneof(fc.constant(-1), fc.constant(1.5), fc.constant(null), fc.constant('7'), fc.constant(true), fc.constant({}), fc.constant([]));
    fc.assert(
      fc.property(result, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), oddValue, fc.boolean(), (generated, path, replacement, remove) => {
        const json = mutate(wire(generated), path, replacement, remove);
        const fast = checkInvokeResult(json);
        const slow = invokeResultSchema.safeParse(json);
        if (!slow.success) expect(fast).toBeUndefined();
        else if (fast !== undefined) expect(fast).toStrictEqual(slow.data);
      }),
      { numRuns: 500 },
    );
  });

  it('gives up on unknown keys at any level, which zod would strip', () => {
    const base = wire(fc.sample(result, { numRuns: 1, seed: 7 })[0]) as Record<string, Record<string, unknown>>;
    expect(checkInvokeResult({ ...base, extra: 1 })).toBeUndefined();
    expect(checkInvokeResult({ ...base, usage: { ...base.usage, extra: 1 } })).toBeUndefined();
    expect(checkInvokeResult({ ...base, cache: { ...base.cache, extra: 1 } })).toBeUndefined();
    expect(checkInvokeResult({ ...base, evals: [{ name: 'n', score: 1, pass: true, extra: 1 }] })).toBeUndefined();
    expect(checkInvokeResult(JSON.parse('{"__proto__": 1}'))).toBeUndefined();
    for (const value of [null, undefined, 'x', 1, [], new Map()]) expect(checkInvokeResult(value)).toBeUndefined();
  });

  it('knows every key of the schemas it stands in for, in their order', () => {
    expect(Object.keys(invokeResultSchema.shape)).toEqual([...invokeResultKeys]);
    expect(Object.keys(usageSchema.shape)).toEqual([...usageKeys]);
    expect(Object.keys(cacheInfoSchema.shape)).toEqual([...cacheInfoKeys]);
    expect(Object.keys(evalScoreSchema.shape)).toEqual([...evalScoreKeys]);
  });
});
