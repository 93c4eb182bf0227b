import { describe, expect, it } from 'vitest';
import { AgentryError } from '../contract';
import { createGuardedFetch, isHostAllowed } from './task-pack-fetch';

describe('isHostAllowed', () => {
  it.each([
    ['https://api.example.com/x', ['api.example.com'], true],
    ['https://API.example.com/x', ['api.example.com'], true],
    ['https://evil.com/?api.example.com', ['api.example.com'], false],
    ['https://api.example.com.evil.com/', ['api.example.com'], false],
    ['https://a.b.example.org/', ['*.example.org'], true],
    ['https://example.org/', ['*.example.org'], false],
    ['https://notexample.org/', ['*.example.org'], false],
    ['http://127.0.0.1:9999/', ['127.0.0.1'], true],
    ['http://127.0.0.1:9999/', ['127.0.0.1:8080'], false],
    ['https://api.example.com/', ['api.example.com:443'], true],
    ['http://[::1]:8080/', ['[::1]'], true],
  ])('%s against %j is %s', (url, hosts, expected) => {
    expect(isHostAllowed(new URL(url), hosts)).toBe(expected);
  });
});

describe('createGuardedFetch', () => {
  const deny = (url: URL) => new AgentryError('AGENTRY_CAPABILITY_DENIED', `denied ${url.host}`);

  it('drops credentials on a redirect to another origin, even a declared one, and keeps them on the same origin', async () => {
    const seen: Array<string | null> = [];
    const fetch = createGuardedFetch({
      fetch: async (input, init) => {
        seen.push(new Headers(init?.headers).get('authorization'));
        if (seen.length === 1) return new Response(null, { status: 302, headers: { location: '/moved' } });
        if (seen.length === 2) return new Response(null, { status: 302, headers: { location: 'http://api.example.com:8080/x' } });
        return new Response('ok');
      },
      hosts: ['api.example.com'],
      signal: new AbortController().signal,
      deny,
    });
    await fetch('https://api.example.com/start', { headers: { authorization: 'Bearer secret' } });
    expect(seen).toEqual(['Bearer secret', 'Bearer secret', null]);
  });

  it('refuses non-http schemes even for a declared host', async () => {
    const fetch = createGuardedFetch({ fetch: async () => new Response('x'), hosts: ['example.com'], signal: new AbortController().signal, deny });
    await expect(fetch('file://example.com/etc/passwd')).rejects.toMatchObject({ code: 'AGENTRY_CAPABILITY_DENIED' });
  });

  it('turns a POST into a GET without a body on 303, and adds the invocation signal to every hop', async () => {
    const seen: { url: string; method: string | undefined; body: unknown; signal: boolean }[] = [];
    const signal = new AbortController().signal;
    const fetch = createGuardedFetch({
      fetch: async (input, init) => {
        seen.push({ url: String(input), method: init?.method, body: init?.body, signal: init?.signal instanceof AbortSignal });
        return seen.length === 1 ? new Response(null, { status: 303, headers: { location: '/done' } }) : new Response('ok');
      },
      hosts: ['example.com'],
      signal,
      deny,
    });
    expect(await (await fetch('https://example.com/start', { method: 'POST', body: 'payload' })).text()).toBe('ok');
    expect(seen).toEqual([
      { url: 'https://example.com/start', method: 'POST', body: 'payload', signal: true },
      { url: 'https://example.com/done', method: 'GET', body: undefined, signal: true },
    ]);
  });

  it('hands a 3xx back untouched when the caller asks for redirect: manual', async () => {
    const fetch = createGuardedFetch({
      fetch: async () => new Response(null, { status: 302, headers: { location: 'https://elsewhere.test/' } }),
      hosts: ['example.com'],
      signal: new AbortController().signal,
      deny,
    });
    expect((await fetch('https://example.com/', { redirect: 'manual' })).status).toBe(302);
  });
});
