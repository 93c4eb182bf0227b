import { describe, expect, it } from 'vitest';
import type { Invocation } from '../../../core/invocation';
import { loadPolicy } from './load-policy';

const invocation = (agent: string, tenant: string) => ({ agent, tenant }) as Invocation;

describe('loadPolicy', () => {
  const policy = loadPolicy(
    JSON.stringify({
      version: 1,
      rules: [
        { id: 'no-export-on-free', when: { tier: 'free', agent: 'export-*' }, effect: 'deny', reason: 'exports need pro', code: 'AGENTRY_FORBIDDEN_TOOL' },
        { id: 'mask-secrets', when: { inputMatches: '\\bpassword\\b' }, effect: 'redact' },
        { id: 'vip', when: { tenant: ['acme', 'globex'] }, effect: 'allow' },
      ],
    }),
  );

  it('applies the first rule whose conditions all hold', () => {
    expect(policy(invocation('export-csv', 'initech'), { tier: 'free', inputText: '' })).toEqual({
      allow: false,
      reason: 'exports need pro',
      rule: 'no-export-on-free',
      code: 'AGENTRY_FORBIDDEN_TOOL',
    });
    expect(policy(invocation('export-csv', 'initech'), { tier: 'pro', inputText: 'my PASSWORD is x' })).toEqual({ allow: true, rule: 'mask-secrets', redact: true });
    expect(policy(invocation('echo', 'acme'), { tier: undefined, inputText: '' })).toEqual({ allow: true, rule: 'vip' });
  });

  it('allows by default, or denies when default is deny', () => {
    expect(policy(invocation('echo', 'initech'), { tier: 'free', inputText: '' })).toEqual({ allow: true });
    const strict = loadPolicy({ default: 'deny', rules: [] });
    expect(strict(invocation('echo', 'acme'), { tier: undefined, inputText: '' })).toMatchObject({ allow: false, rule: 'default' });
  });

  it('names the bad field of a malformed policy with AGENTRY_INVALID_OPTIONS', () => {
    const cases: [unknown, string][] = [
      ['{"rules": [', 'policy is not valid JSON'],
      [{}, '`rules`'],
      [{ rules: [{ when: {}, effect: 'block' }] }, '`rules[0].effect`'],
      [{ rules: [{ when: { agent: 'a' }, effect: 'deny' }, { when: { agnet: 'b' }, effect: 'deny' }] }, '`rules[1].when`'],
      [{ rules: [{ when: { inputMatches: '([a-z' }, effect: 'deny' }] }, '`rules[0].when.inputMatches`: not a valid regular expression'],
      [{ rules: [{ when: {}, effect: 'deny', code: 'AGENTRY_NOPE' }] }, '`rules[0].code`'],
      [{ rules: [{ when: { tenant: [] }, effect: 'deny' }] }, '`rules[0].when.tenant`'],
      [{ default: 'maybe', rules: [] }, '`default`'],
    ];
    for (const [json, field] of cases) {
      expect(() => loadPolicy(json)).toThrow(expect.objectContaining({ code: 'AGENTRY_INVALID_OPTIONS', message: expect.stringContaining(field) }));
    }
  });
});
