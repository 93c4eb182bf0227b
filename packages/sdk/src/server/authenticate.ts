import { hash } from 'node:crypto';
import { AgentryError, isAgentryError } from '../contract';
import type { ApiKeyIdentity, ApiKeys } from './server-options';

/** Resolves the `Authorization` header of a request to its tenant. */
export type Authenticator = (authorization: string | undefined) => Promise<string>;

/**
 * Like {@link Authenticator}, but answers synchronously when it can (a map of keys), so the
 * request path does not pay for a promise per request. Throws or rejects as the authenticator does.
 * `connection` (the request's socket) lets a map of keys remember the last key of a keep-alive
 * connection; see {@link createTenantResolver}.
 */
export type TenantResolver = (authorization: string | undefined, connection?: object | null) => string | Promise<string>;

/**
 * Creates the function that turns `Authorization: Bearer <key>` into a tenant.
 *
 * A map of keys is indexed by the SHA-256 digest of each key and the digest of the presented key
 * is compared in constant time: the lookup's timing then depends on a digest the caller cannot
 * steer towards a stored key, so response times reveal nothing about the keys.
 *
 * @throws AgentryError `AGENTRY_UNAUTHORIZED` when the header is missing, not Bearer, or the key is unknown.
 */
export function createAuthenticator(apiKeys: ApiKeys): Authenticator {
  const resolve = createTenantResolver(apiKeys);
  return async (authorization) => resolve(authorization);
}

/**
 * The {@link TenantResolver} of `apiKeys`; see {@link createAuthenticator}.
 *
 * With a map of keys it also remembers, per connection, the last `Authorization` header that
 * resolved and its tenant: a keep-alive client sends the same header on every request, and
 * comparing it with the remembered one costs a tenth of hashing the key again. A hit needs the
 * very same header on the very same connection, so it names the same key and the same tenant;
 * the comparison runs in constant time, so a second client sharing the connection (behind a
 * proxy) learns nothing about the first one's key. Failed lookups are never remembered, and a
 * lookup function is never cached (it may revoke keys).
 */
export function createTenantResolver(apiKeys: ApiKeys): TenantResolver {
  if (typeof apiKeys === 'function') {
    return async (authorization) => {
      const key = bearerToken(authorization);
      if (key === undefined) throw missingKey();
      let identity: ApiKeyIdentity | undefined;
      try {
        identity = await apiKeys(key);
      } catch (error) {
        if (isAgentryError(error)) throw error;
        throw new AgentryError('AGENTRY_INTERNAL', `authenticate: the apiKeys lookup failed: ${(error as Error)?.message ?? String(error)}`, {
          cause: error,
        });
      }
      return tenantOf(identity);
    };
  }
  const lookup = createKeyTable(apiKeys);
  // Weak, so a closed connection's entry goes with its socket.
  const lastOfConnection = new WeakMap<object, { authorization: string; tenant: string }>();
  return (authorization, connection) => {
    if (connection != null && authorization !== undefined) {
      const last = lastOfConnection.get(connection);
      // Only a header that resolved is remembered, so an equal one resolves the same way.
      if (last !== undefined && constantTimeEqual(last.authorization, authorization)) return last.tenant;
    }
    const key = bearerToken(authorization);
    if (key === undefined) throw missingKey();
    const tenant = tenantOf(lookup(key));
    // A token was found, so the header is a string.
    if (connection != null) lastOfConnection.set(connection, { authorization: authorization as string, tenant });
    return tenant;
  };
}

function tenantOf(identity: ApiKeyIdentity | undefined): string {
  if (identity === undefined || typeof identity.tenant !== 'string' || identity.tenant.length === 0) {
    throw unauthorized('the API key is not recognised');
  }
  return identity.tenant;
}

function createKeyTable(keys: Readonly<Record<string, ApiKeyIdentity>>): (key: string) => ApiKeyIdentity | undefined {
  // Digests as base64 strings: hashing straight to a string costs a third of hashing to a Buffer.
  const table = new Map<string, { digest: string; identity: ApiKeyIdentity }>();
  for (const [key, identity] of Object.entries(keys)) {
    const digest = hash('sha256', key, 'base64');
    table.set(digest, { digest, identity: { tenant: identity.tenant } });
  }
  return (key) => {
    const digest = hash('sha256', key, 'base64');
    const entry = table.get(digest);
    return entry !== undefined && constantTimeEqual(entry.digest, digest) ? entry.identity : undefined;
  };
}

/** Compares two strings of equal length without an early exit (as `timingSafeEqual` does for bytes). */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  return difference === 0;
}

/** The token of `Authorization: Bearer <token>` (scheme case-insensitive), or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined || authorization.length < 8) return undefined;
  // The scheme is case-insensitive (RFC 9110); compare without building a regex per request.
  if (!authorization.startsWith('Bearer ') && authorization.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  const token = authorization.slice(7).trim();
  return token.length === 0 ? undefined : token;
}

function missingKey(): AgentryError {
  return unauthorized('the request has no `Authorization: Bearer <api key>` header');
}

function unauthorized(message: string): AgentryError {
  return new AgentryError('AGENTRY_UNAUTHORIZED', message);
}
