import { describe, expect, it } from 'vitest';
import { isApiRoute, matchRoute } from './router';

describe('matchRoute', () => {
  it('maps every agentry.v1 route and ignores the query string', () => {
    expect(matchRoute('GET', '/healthz?probe=1')).toEqual({ name: 'healthz' });
    expect(matchRoute('GET', '/readyz')).toEqual({ name: 'readyz' });
    expect(matchRoute('GET', '/metrics')).toEqual({ name: 'metrics' });
    expect(matchRoute('GET', '/v1/agents')).toEqual({ name: 'list-agents' });
    expect(matchRoute('GET', '/v1/usage?from=2025-01-01T00:00:00Z')).toEqual({ name: 'usage' });
    expect(matchRoute('POST', '/v1/agents/echo/invoke')).toEqual({ name: 'invoke', agent: 'echo' });
    expect(matchRoute('POST', '/v1/agents/echo/stream')).toEqual({ name: 'stream', agent: 'echo' });
    expect(matchRoute('POST', '/v1/agents/echo/jobs')).toEqual({ name: 'create-job', agent: 'echo' });
    expect(matchRoute('GET', '/v1/jobs/job_1')).toEqual({ name: 'get-job', jobId: 'job_1' });
    expect(matchRoute('DELETE', '/v1/jobs/job_1')).toEqual({ name: 'cancel-job', jobId: 'job_1' });
  });

  it('accepts one scope in an agent id, literal or %2F-encoded, and no more', () => {
    expect(matchRoute('POST', '/v1/agents/acme/triage/invoke')).toEqual({ name: 'invoke', agent: 'acme/triage' });
    expect(matchRoute('POST', '/v1/agents/acme%2Ftriage/invoke')).toEqual({ name: 'invoke', agent: 'acme/triage' });
    expect(matchRoute('POST', '/v1/agents/acme%2ftriage/invoke')).toEqual({ name: 'invoke', agent: 'acme/triage' });
    expect(matchRoute('POST', '/v1/agents/a/b/c/invoke')).toEqual({ name: 'not-found' });
    expect(matchRoute('POST', '/v1/agents/a%2Fb%2Fc/invoke')).toEqual({ name: 'not-found' });
    expect(matchRoute('POST', '/v1/agents//invoke')).toEqual({ name: 'not-found' });
    expect(matchRoute('POST', '/v1/agents/invoke')).toEqual({ name: 'not-found' });
  });

  it('answers unknown paths and actions as not found, including prototype names', () => {
    expect(matchRoute('GET', '/')).toEqual({ name: 'not-found' });
    expect(matchRoute('POST', '/v1/agents/echo/constructor')).toEqual({ name: 'not-found' });
    expect(matchRoute('POST', '/v1/agents/echo/__proto__')).toEqual({ name: 'not-found' });
    expect(matchRoute('GET', '/v1/jobs/')).toEqual({ name: 'not-found' });
    expect(matchRoute('GET', '/v1/jobs/a/b')).toEqual({ name: 'not-found' });
  });

  it('names the allowed methods for a known path with the wrong method', () => {
    expect(matchRoute('POST', '/healthz')).toEqual({ name: 'method-not-allowed', allow: 'GET' });
    expect(matchRoute('GET', '/v1/agents/echo/invoke')).toEqual({ name: 'method-not-allowed', allow: 'POST' });
    expect(matchRoute('PATCH', '/v1/jobs/job_1')).toEqual({ name: 'method-not-allowed', allow: 'GET, DELETE' });
    expect(matchRoute('POST', '/metrics')).toEqual({ name: 'method-not-allowed', allow: 'GET' });
    expect(matchRoute('DELETE', '/v1/usage')).toEqual({ name: 'method-not-allowed', allow: 'GET' });
  });

  it('refuses a malformed percent-encoding with AGENTRY_INVALID_REQUEST', () => {
    expect(() => matchRoute('POST', '/v1/agents/%E0%A4%A/invoke')).toThrow(expect.objectContaining({ code: 'AGENTRY_INVALID_REQUEST' }));
  });

  it('marks only /v1 routes as needing an API key (/metrics has a scrape token of its own)', () => {
    expect(isApiRoute(matchRoute('GET', '/healthz'))).toBe(false);
    expect(isApiRoute(matchRoute('GET', '/readyz'))).toBe(false);
    expect(isApiRoute(matchRoute('GET', '/metrics'))).toBe(false);
    expect(isApiRoute(matchRoute('GET', '/v1/usage'))).toBe(true);
    expect(isApiRoute(matchRoute('GET', '/v1/agents'))).toBe(true);
    expect(isApiRoute(matchRoute('DELETE', '/v1/jobs/x'))).toBe(true);
  });
});
