import { AgentryError } from '../contract';
import type { TaskPackFetch } from './task-pack-capabilities';

const maxRedirects = 10;

/** True when `url`'s host is one of `hosts` (exact, `*.domain` for subdomains, optional `:port`). */
export function isHostAllowed(url: URL, hosts: readonly string[]): boolean {
  const hostname = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '');
  return hosts.some((pattern) => {
    const match = /^(.*?)(?::(\d+))?$/.exec(pattern.toLowerCase())!;
    const patternHost = match[1]!;
    if (match[2] !== undefined && match[2] !== port) return false;
    if (patternHost.startsWith('*.')) return hostname.endsWith(patternHost.slice(1)) && hostname.length > patternHost.length - 1;
    return hostname === patternHost;
  });
}

/**
 * Wraps the host's fetch so a pack reaches only its declared hosts, redirects included: each hop
 * is checked before it is requested, so a redirect cannot carry a request to an undeclared host.
 * The invocation's signal is added to every request.
 */
export function createGuardedFetch(options: {
  fetch: TaskPackFetch;
  hosts: readonly string[];
  signal: AbortSignal;
  /** Builds the refusal for a URL outside the declared hosts. */
  deny: (url: URL) => AgentryError;
}): TaskPackFetch {
  const check = (url: URL): void => {
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !isHostAllowed(url, options.hosts)) throw options.deny(url);
  };
  return async (input, init = {}) => {
    const request = input instanceof Request ? input : undefined;
    let url = new URL(request ? request.url : input.toString());
    check(url);
    const signal = init.signal ? AbortSignal.any([init.signal, options.signal]) : options.signal;
    const mode = init.redirect ?? request?.redirect ?? 'follow';
    // Later hops go by URL, so they carry the Request's method and headers explicitly.
    let current: RequestInit = { method: request?.method, headers: request?.headers, ...init, signal, redirect: 'manual' };
    let target: string | Request = request && init.body === undefined ? new Request(request, { redirect: 'manual' }) : url.toString();
    for (let hop = 0; ; hop++) {
      const response = await options.fetch(target, current);
      const location = response.headers.get('location');
      if (mode === 'manual' || response.status < 300 || response.status >= 400 || location === null) return response;
      if (mode === 'error') {
        throw new AgentryError('AGENTRY_UPSTREAM_ERROR', `fetch ${url.origin}${url.pathname} redirected while redirect is "error"`);
      }
      if (hop >= maxRedirects) {
        throw new AgentryError('AGENTRY_UPSTREAM_ERROR', `fetch ${url.origin}${url.pathname}: more than ${maxRedirects} redirects`);
      }
      await response.body?.cancel();
      const previous = url;
      url = new URL(location, url);
      check(url);
      // As fetch does: credentials never follow a redirect to another origin, even a declared one
      // (a host pattern without a port matches every port and scheme).
      if (url.origin !== previous.origin) current = { ...current, headers: withoutCredentials(current.headers) };
      // As browsers do: 303, and 301/302 after a POST, continue as GET without a body.
      const method = (current.method ?? request?.method ?? 'GET').toUpperCase();
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        const { body: _body, ...rest } = current;
        current = { ...rest, method: 'GET' };
      }
      target = url.toString();
    }
  };
}

function withoutCredentials(headers: HeadersInit | undefined): Headers {
  const copy = new Headers(headers);
  copy.delete('authorization');
  copy.delete('cookie');
  copy.delete('proxy-authorization');
  return copy;
}
