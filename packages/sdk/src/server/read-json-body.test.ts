import { describe, expect, it } from 'vitest';
import { isJsonContentType } from './read-json-body';

describe('isJsonContentType', () => {
  it('accepts application/json with no charset or a UTF-8 one', () => {
    for (const value of ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON;charset=UTF8', 'application/json; charset="utf-8"']) {
      expect(isJsonContentType(value)).toBe(true);
    }
  });

  it('refuses other media types and charsets', () => {
    for (const value of [undefined, '', 'text/plain', 'application/jsonp', 'application/json; charset=iso-8859-1', 'multipart/form-data']) {
      expect(isJsonContentType(value)).toBe(false);
    }
  });
});
