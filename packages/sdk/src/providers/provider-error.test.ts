import { describe, expect, it } from 'vitest';
import { errorBodyOf, errorFromHttpResponse, providerRequestIdOf, retryAfterMsOf } from './provider-error';

describe('errorFromHttpResponse', () => {
  const classify = (status: number, body = '', headers: Record<string, string> = {}) =>
    errorFromHttpResponse('openai:gpt-4o-mini', status, headers, body);

  it.each([
    [400, 'AGENTRY_INVALID_REQUEST', false],
    [404, 'AGENTRY_INVALID_REQUEST', false],
    [413, 'AGENTRY_INVALID_REQUEST', false],
    [422, 'AGENTRY_INVALID_REQUEST', false],
    [401, 'AGENTRY_UNAUTHORIZED', false],
    [403, 'AGENTRY_UNAUTHORIZED', false],
    [408, 'AGENTRY_TIMEOUT', true],
    [409, 'AGENTRY_UPSTREAM_ERROR', true],
    [429, 'AGENTRY_RATE_LIMITED', true],
    [500, 'AGENTRY_UPSTREAM_ERROR', true],
    [502, 'AGENTRY_UPSTREAM_ERROR', true],
    [503, 'AGENTRY_UPSTREAM_ERROR', true],
    [529, 'AGENTRY_UPSTREAM_ERROR', true],
  ] as const)('classifies HTTP %i as %s (retryable: %s)', (status, code, retryable) => {
    const error = classify(status);
    expect(error).toMatchObject({ code, retryable, details: { upstreamStatus: status } });
  });

  it('reads the type and message of an OpenAI error body, the specific code first', () => {
    const error = classify(429, JSON.stringify({ error: { message: 'You exceeded your current quota.', type: 'insufficient_quota', code: 'insufficient_quota' } }));
    expect(error).toMatchObject({ code: 'AGENTRY_RATE_LIMITED', retryable: false, details: { upstreamType: 'insufficient_quota' } });
    expect(error.message).toBe('openai:gpt-4o-mini failed: HTTP 429 (insufficient_quota: You exceeded your current quota.)');
  });

  it('reads an Anthropic error body and its request-id header', () => {
    const body = JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: 'req_011' });
    const error = classify(529, body, { 'request-id': 'req_011' });
    expect(error).toMatchObject({ providerRequestId: 'req_011', details: { upstreamType: 'overloaded_error' } });
    expect(error.hint).toMatch(/overloaded/);
  });

  it('classifies a proxy HTML page by its status alone', () => {
    expect(classify(502, '<html>Bad gateway</html>')).toMatchObject({ code: 'AGENTRY_UPSTREAM_ERROR', retryable: true });
  });

  it('keeps Retry-After on the error, in seconds', () => {
    expect(classify(429, '', { 'retry-after': '7' }).retryAfterSeconds).toBe(7);
  });
});

describe('retryAfterMsOf', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  it('reads delta seconds', () => expect(retryAfterMsOf({ 'retry-after': '2' }, now)).toBe(2000));
  it('reads an HTTP date', () => expect(retryAfterMsOf({ 'retry-after': 'Sun, 01 Jun 2025 12:00:30 GMT' }, now)).toBe(30_000));
  it('prefers retry-after-ms', () => expect(retryAfterMsOf({ 'retry-after': '2', 'retry-after-ms': '150' }, now)).toBe(150));
  it('ignores what it cannot read', () => expect(retryAfterMsOf({ 'retry-after': 'soon' }, now)).toBeUndefined());
});

describe('providerRequestIdOf', () => {
  it('reads x-request-id (OpenAI) and request-id (Anthropic)', () => {
    expect(providerRequestIdOf({ 'x-request-id': 'req_a' })).toBe('req_a');
    expect(providerRequestIdOf({ 'request-id': 'req_b' })).toBe('req_b');
  });
});

describe('errorBodyOf', () => {
  it('returns nothing for a body that is not an error object', () => {
    expect(errorBodyOf('not json')).toEqual({});
    expect(errorBodyOf('{"error":"flat string"}')).toEqual({});
  });
});
