import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectPii } from './detect-pii';
import { isLuhnValid } from './pii-checksums';

describe('detectPii', () => {
  it('returns typed, sorted, non-overlapping spans', () => {
    const text = 'mail ada@example.com or call (415) 555-2671';
    const findings = detectPii(text);
    expect(findings.map((finding) => [finding.type, text.slice(finding.start, finding.end)])).toEqual([
      ['email', 'ada@example.com'],
      ['phone', '(415) 555-2671'],
    ]);
  });

  it('labels a JWT sent as a Bearer token a jwt, not an api-key', () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
    expect(detectPii(`Authorization: Bearer ${jwt}`)).toEqual([{ type: 'jwt', start: 22, end: 22 + jwt.length }]);
  });

  it('looks only for the types asked for', () => {
    expect(detectPii('ada@example.com 10.0.0.1', { types: ['ipv4'] }).map((finding) => finding.type)).toEqual(['ipv4']);
  });

  it('never reports UUIDs, ISO timestamps or semantic versions', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        fc.tuple(fc.nat(99), fc.nat(99), fc.nat(999)),
        (uuid, date, [major, minor, patch]) => {
          const text = `id ${uuid} at ${date.toISOString()} on ${major}.${minor}.${patch} (epoch ${date.getTime()})`;
          expect(detectPii(text)).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds every Luhn-valid Visa number however it is grouped', () => {
    const visa = fc
      .array(fc.integer({ min: 0, max: 9 }), { minLength: 14, maxLength: 14 })
      .map((digits) => {
        const body = `4${digits.join('')}`;
        const check = [...'0123456789'].find((digit) => isLuhnValid(body + digit))!;
        return body + check;
      });
    fc.assert(
      fc.property(visa, fc.constantFrom('', ' ', '-'), (number, separator) => {
        const formatted = number.match(/.{4}/g)!.join(separator);
        const findings = detectPii(`pay with ${formatted} today`);
        expect(findings).toEqual([{ type: 'card', start: 9, end: 9 + formatted.length }]);
      }),
      { numRuns: 200 },
    );
  });
});
