import { hash } from 'node:crypto';
import { AgentryError, isAgentryError } from '../contract';
import type { ApiKeyIdentity, ApiKeys } from './server-options';

/** Resolves the `Authorization` header of a request to its tenant. */
export type Authenticator = (authorization: string | undefined) => Promise<string>;

/**
 * Like {@link Authenticator}, but answers synchronously when it can (a map of keys), so the
 * request path does not pay for a promise per request. Throws or rejects as the authenticator does.
 */
export type TenantResolver = (authorization: string | undefined) => string | Promise<string>;

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

/** The {@link TenantResolver} of `apiKeys`; see {@link createAuthenticator}. */
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
  return (authorization) => {
    const key = bearerToken(authorization);
    if (key === undefined) throw missingKey();
    return tenantOf(lookup(key));
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

function bearerToken(authorization: string | undefined): string | undefined {
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
