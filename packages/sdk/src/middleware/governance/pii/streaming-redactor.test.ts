import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactPii } from './redact-pii';
import { createStreamingRedactor } from './streaming-redactor';

const text =
  'Hi, I am Ada (ada.lovelace@example.com, +44 20 7946 0958). Card 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32. ' +
  'Key sk-kg4ruqgJDOR9spWPG300bR0Cv7xHUoDQfvQgAjior0yOza4I from 2001:db8::1, ticket ORD-123-45-6789, version 1.2.3.4. Thanks!';

function splitAt(whole: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((cut) => cut % (whole.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let previous = 0;
  for (const point of [...points, whole.length]) {
    pieces.push(whole.slice(previous, point));
    previous = point;
  }
  return pieces;
}

describe('createStreamingRedactor', () => {
  it('redacts an email split across two deltas', () => {
    const redactor = createStreamingRedactor({ holdBackChars: 8 });
    const out = redactor.push('mail ada@exa') + redactor.push('mple.com now') + redactor.flush();
    expect(out).toBe('mail [REDACTED:email] now');
    expect(redactor.counts).toEqual({ email: 1 });
  });

  it('emits the same text as redacting the whole at once, however the text is split', () => {
    const whole = redactPii(text).value;
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
        const redactor = createStreamingRedactor();
        let out = '';
        for (const piece of splitAt(text, cuts)) out += redactor.push(piece);
        out += redactor.flush();
        expect(out).toBe(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('releases text once it is past the hold-back window', () => {
    const redactor = createStreamingRedactor({ holdBackChars: 10 });
    expect(redactor.push('short')).toBe('');
    expect(redactor.push(' text that goes on and on')).toBe('short text that goes');
    expect(redactor.flush()).toBe(' on and on');
  });

  it('holds an unfinished word (a key without spaces) until it ends, up to the cap', () => {
    const redactor = createStreamingRedactor({ holdBackChars: 4, maxHoldChars: 64 });
    expect(redactor.push('key sk-kg4ruqgJDOR9')).toBe('key ');
    expect(redactor.push('spWPG300bR0Cv7xHUoDQfvQgAjior0yOza4I')).toBe('');
    expect(redactor.push(' done')).toBe('[REDACTED:api-key] ');
    expect(redactor.flush()).toBe('done');
    const capped = createStreamingRedactor({ holdBackChars: 4, maxHoldChars: 16 });
    expect(capped.push('x'.repeat(20))).toBe('x'.repeat(16));
  });

  describe('a private key block, far longer than the hold-back window', () => {
    const body = Array.from({ length: 40 }, (_, line) => `MIIEow${String(line).padStart(2, '0')}IBAAKCAQEA1234567890abcdefghijklmnopqrstuvwxyzABCDEFGH`).join('\n');
    const key = `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----`;
    const streamed = (whole: string, size: number, options = {}) => {
      const redactor = createStreamingRedactor(options);
      let out = '';
      for (let at = 0; at < whole.length; at += size) out += redactor.push(whole.slice(at, at + size));
      return { out: out + redactor.flush(), counts: redactor.counts };
    };

    it('is held from its BEGIN line until its END line and redacted whole, however it is split', () => {
      for (const size of [1, 7, 16, 100]) {
        const { out, counts } = streamed(`config:\n${key}\nthat was it`, size);
        expect(out, `deltas of ${size}`).toBe('config:\n[REDACTED:api-key]\nthat was it');
        expect(counts).toEqual({ 'api-key': 1 });
      }
    });

    it('is replaced from its BEGIN line on when the stream ends inside it, or it runs past 16 KiB', () => {
      expect(streamed(`here: ${key.slice(0, 900)}`, 16).out).toBe('here: [REDACTED:api-key]');
      const endless = `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(40_000)}\n-----END PRIVATE KEY-----\nafter`;
      const { out } = streamed(endless, 64);
      expect(out).toBe('[REDACTED:api-key]\nafter');
      expect(out).not.toContain('AAAA');
    });
  });
});
