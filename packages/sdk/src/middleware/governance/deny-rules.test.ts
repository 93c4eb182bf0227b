import { describe, expect, it } from 'vitest';
import { compileDenyRules, findDenyRule } from './deny-rules';
import { inputBytes, inputBytesOver, inputText } from './input-text';
import { matchesNamePattern } from './name-pattern';

describe('deny rules', () => {
  const rules = compileDenyRules([
    { id: 'drugs', match: 'Fentanyl' },
    { match: /\bwire\s+money\b/g, agents: ['payments-*'] },
  ]);

  it('matches keywords as whole words in any case', () => {
    expect(findDenyRule(rules, 'echo', 'where to buy FENTANYL?')?.id).toBe('drugs');
    expect(findDenyRule(rules, 'echo', 'fentanylish')).toBeUndefined();
  });

  it('tests a global RegExp the same way every time, only on the agents named', () => {
    for (let attempt = 0; attempt < 3; attempt++) expect(findDenyRule(rules, 'payments-eu', 'please wire money now')?.id).toBe('deny[1]');
    expect(findDenyRule(rules, 'echo', 'please wire money now')).toBeUndefined();
  });

  it('rejects a rule without a match', () => {
    expect(() => compileDenyRules([{ match: '  ' }])).toThrow(expect.objectContaining({ code: 'AGENTRY_INVALID_OPTIONS' }));
  });
});

describe('input helpers', () => {
  it('joins every string of an input and counts its UTF-8 JSON bytes', () => {
    expect(inputText({ a: 'one', b: [{ c: 'two' }, 3], d: null })).toBe('one\ntwo');
    expect(inputBytes({ text: 'é😀' })).toBe(new TextEncoder().encode(JSON.stringify({ text: 'é😀' })).length);
  });

  it('reports the exact UTF-8 JSON size only of inputs over the limit, whatever their shape', () => {
    const inputs: unknown[] = [
      { text: 'é😀\u0001'.repeat(40), list: [1, -0.0000012345678901234567, true, null, undefined, 'x'] },
      [[[['deep']]]],
      { when: new Date(0), nested: { toJSON: () => 'x'.repeat(500) } },
      'plain text',
    ];
    for (const input of inputs) {
      const bytes = inputBytes(input);
      for (const limit of [1, bytes - 1, bytes, bytes + 1, 100_000]) expect(inputBytesOver(input, limit)).toBe(bytes > limit ? bytes : undefined);
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.a = cyclic;
    cyclic.b = cyclic;
    expect(() => inputBytesOver(cyclic, 1_000_000)).toThrow(TypeError);
  });

  it('matches names exactly or by * globs', () => {
    expect(matchesNamePattern(undefined, 'x')).toBe(true);
    expect(matchesNamePattern(['acme/*'], 'acme/triage')).toBe(true);
    expect(matchesNamePattern(['acme/*'], 'other/triage')).toBe(false);
    expect(matchesNamePattern(['a.b'], 'axb')).toBe(false);
  });
});
