import { describe, expect, it } from 'vitest';
import { createId } from './ids';

describe('createId', () => {
  it('makes the prefix, an underscore and a random UUID v4 as 32 lowercase hex digits', () => {
    for (let index = 0; index < 600; index++) {
      // 600 ids cross a refill of the pooled random bytes (256 ids per block).
      expect(createId('req')).toMatch(/^req_[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    }
  });

  it('never repeats an id across many draws', () => {
    const ids = new Set(Array.from({ length: 5_000 }, () => createId('inv')));
    expect(ids.size).toBe(5_000);
  });

  it('keeps any prefix as given, including an empty or non-ASCII one', () => {
    expect(createId('')).toMatch(/^_[0-9a-f]{32}$/);
    expect(createId('ünï')).toMatch(/^ünï_[0-9a-f]{32}$/);
    expect(createId('a-much-longer-prefix-than-usual-for-an-id')).toMatch(/^a-much-longer-prefix-than-usual-for-an-id_[0-9a-f]{32}$/);
  });
});
