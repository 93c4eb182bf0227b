import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectPii, type PiiFinding } from './detect-pii';
import { isLuhnValid } from './pii-checksums';
import { piiDetectors } from './pii-detectors';

/** Every detector's regex on the whole text, no pre-filter: what detection must equal. */
function detectUnfiltered(text: string): PiiFinding[] {
  const candidates = piiDetectors.flatMap((detector) =>
    [...text.matchAll(new RegExp(detector.pattern.source, detector.pattern.flags))]
      .filter((match) => detector.accept(match, text))
      .map((match) => ({ type: detector.type, start: match.index, end: match.index + match[0].length, priority: detector.priority })),
  );
  candidates.sort((a, b) => b.priority - a.priority || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const chosen: PiiFinding[] = [];
  for (const { type, start, end } of candidates) if (!chosen.some((kept) => start < kept.end && kept.start < end)) chosen.push({ type, start, end });
  return chosen.sort((a, b) => a.start - b.start);
}

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

  it('finds exactly what every detector finds without its cheap pre-filter', () => {
    const pieces = fc.constantFrom(
      'ada@example.com', '4111 1111 1111 1111', '078-05-1120', '(415) 555-2671', '+44 20 7946 0958', 'GB82 WEST 1234 5698 7654 32',
      '10.0.0.1', 'fe80::1', 'sk-proj-a1b2c3d4e5f6g7h8i9j0k1l2', 'AKIAIOSFODNN7EXAMPLE', 'Bearer abcdef0123456789xyz', 'version 1.2.3.4',
      'order 12345', 'hello', ' ', '-', '_', '.', ':', '+', '@', '7',
    );
    const text = fc.array(fc.oneof(pieces, fc.string({ maxLength: 6 })), { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (value) => {
        expect(detectPii(value)).toEqual(detectUnfiltered(value));
      }),
      { numRuns: 1_000 },
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
