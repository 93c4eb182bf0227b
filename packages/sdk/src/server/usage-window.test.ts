import { describe, expect, it } from 'vitest';
import { parseUsageWindow } from './usage-window';

describe('parseUsageWindow', () => {
  it('reads from and to as ISO 8601 timestamps with a zone; both are optional', () => {
    expect(parseUsageWindow('/v1/usage')).toEqual({});
    expect(parseUsageWindow('/v1/usage?from=2025-06-01T00:00:00Z')).toEqual({ from: Date.parse('2025-06-01T00:00:00Z') });
    expect(parseUsageWindow('/v1/usage?from=2025-06-01T10:00Z&to=2025-06-01T12:30:15.250%2B02:00')).toEqual({
      from: Date.parse('2025-06-01T10:00:00Z'),
      to: Date.parse('2025-06-01T10:30:15.250Z'),
    });
  });

  it('takes an unencoded + of a zone offset, which arrives as a space', () => {
    expect(parseUsageWindow('/v1/usage?to=2025-06-01T12:00:00+02:00')).toEqual({ to: Date.parse('2025-06-01T10:00:00Z') });
  });

  it('refuses what is not a real instant with 400 AGENTRY_INVALID_REQUEST and a hint', () => {
    for (const value of ['yesterday', '2025-06-01', '2025-06-01T10:00:00', '1748736000000', '2025-02-30T00:00:00Z', '2025-06-01T24:00:00Z', '2025-06-01T10:00:60Z', '2025-06-01T10:00:00+25:00', '']) {
      expect(() => parseUsageWindow(`/v1/usage?from=${encodeURIComponent(value)}`), value).toThrow(
        expect.objectContaining({ code: 'AGENTRY_INVALID_REQUEST', status: 400, hint: expect.stringContaining('ISO 8601') }),
      );
    }
  });

  it('refuses from after to, a repeated bound and an unknown parameter', () => {
    expect(() => parseUsageWindow('/v1/usage?from=2025-06-02T00:00:00Z&to=2025-06-01T00:00:00Z')).toThrow(/`from` is after `to`/);
    expect(() => parseUsageWindow('/v1/usage?from=2025-06-01T00:00:00Z&from=2025-06-02T00:00:00Z')).toThrow(/more than once/);
    expect(() => parseUsageWindow('/v1/usage?since=2025-06-01T00:00:00Z')).toThrow(/no query parameter "since"/);
  });
});
