import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** Host names of this machine: the only ones a loopback-bound server answers to by default. */
export const loopbackHosts = ['localhost', '127.0.0.1', '[::1]'] as const;

/** True for an address on the loopback interface (127.0.0.0/8, ::1, or IPv4-mapped 127.x). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const bare = address.replace(/^\[|\]$/g, '').replace(/^::ffff:/i, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

/** The host name of a `Host` header value, without the port. */
export function hostName(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1).toLowerCase() : (host.split(':')[0] ?? '').toLowerCase();
}

/**
 * DNS-rebinding protection: the `Host` header must name an allowed host (any port), and an
 * `Origin` header, when sent (browsers send it), must be an allowed origin. Returns why a
 * request is refused, or undefined to let it through.
 */
export function refuseForeignRequest(request: IncomingMessage, allowedHosts: readonly string[], allowedOrigins: readonly string[]): string | undefined {
  const host = request.headers.host;
  if (host === undefined || !allowedHosts.map((entry) => entry.toLowerCase()).includes(hostName(host))) {
    return `Host ${JSON.stringify(host ?? '')} is not allowed (allowed: ${allowedHosts.join(', ')})`;
  }
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== 'null' && !originAllowed(origin, allowedOrigins)) {
    return `Origin ${JSON.stringify(origin)} is not allowed`;
  }
  if (origin === 'null') return 'Origin "null" is not allowed';
  return undefined;
}

function originAllowed(origin: string, allowedOrigins: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return allowedOrigins.some((allowed) => {
    // `http://localhost` allows that origin on any port; an entry with a port allows only that port.
    const entry = new URL(allowed);
    return entry.protocol === url.protocol && entry.hostname === url.hostname && (entry.port === '' || entry.port === url.port);
  });
}
