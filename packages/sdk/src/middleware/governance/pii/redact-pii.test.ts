import { describe, expect, it } from 'vitest';
import { redactPii } from './redact-pii';

describe('redactPii', () => {
  it('replaces findings in a string with typed markers and counts them', () => {
    expect(redactPii('ssn 536-22-1234, mail ada@example.com and bob@example.org')).toEqual({
      value: 'ssn [REDACTED:ssn], mail [REDACTED:email] and [REDACTED:email]',
      counts: { ssn: 1, email: 2 },
      total: 3,
    });
  });

  it('walks strings inside JSON values without changing the original', () => {
    const input = { user: { email: 'ada@example.com', age: 36 }, notes: ['ip 10.0.0.1', 'nothing here'], ok: true };
    const { value, counts } = redactPii(input);
    expect(value).toEqual({ user: { email: '[REDACTED:email]', age: 36 }, notes: ['[REDACTED:ipv4]'.replace(/^/, 'ip '), 'nothing here'], ok: true });
    expect(counts).toEqual({ email: 1, ipv4: 1 });
    expect(input.user.email).toBe('ada@example.com');
    expect(value.notes[1]).toBe(input.notes[1]);
  });

  it('returns the same reference when there is nothing to redact', () => {
    const input = { text: 'hello', list: [1, 2] };
    expect(redactPii(input).value).toBe(input);
    expect(redactPii(input).total).toBe(0);
  });
});
