import { describe, expect, it } from 'vitest';
import { isSemverRange, satisfiesSemverRange } from './task-pack-semver';

describe('satisfiesSemverRange', () => {
  it.each([
    ['0.1.0', '^0.1.0', true],
    ['0.1.9', '^0.1.0', true],
    ['0.2.0', '^0.1.0', false],
    ['1.4.2', '^1.2.0', true],
    ['2.0.0', '^1.2.0', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['1.9.9', '>=1.2.0 <2', true],
    ['2.0.0', '>=1.2.0 <2', false],
    ['3.1.0', '1.x || >=3.0.0', true],
    ['2.1.0', '1.x || >=3.0.0', false],
    ['5.0.0', '*', true],
    ['1.3.0', '1.2.0 - 1.4', true],
    ['1.5.0', '1.2.0 - 1.4', false],
    ['1.2.0', '1.2', true],
    ['1.3.0-beta.1', '^1.2.0', false],
    ['1.3.0-beta.2', '^1.3.0-beta.1', true],
  ])('%s in %s is %s', (version, range, expected) => {
    expect(satisfiesSemverRange(version, range)).toBe(expected);
  });

  it('rejects ranges it cannot parse instead of guessing', () => {
    expect(isSemverRange('^1.2.0')).toBe(true);
    expect(isSemverRange('latest')).toBe(false);
    expect(isSemverRange('')).toBe(false);
    expect(satisfiesSemverRange('1.0.0', 'not a range')).toBe(false);
  });
});
