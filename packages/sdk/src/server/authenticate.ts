import { hash, timingSafeEqual } from 'node:crypto';
import { AgentryError, isAgentryError } from '../contract';
import type { ApiKeyIdentity, ApiKeys } from './server-options';

/** Resolves the `Authorization` header of a request to its tenant. */
export type Authenticator = (authorization: string | undefined) => Promise<string>;

/**
 * Creates the function that turns `Authorization: Bearer <key>` into a tenant.
 *
 * A map of keys is indexed by the SHA-256 digest of each key and the digest of the presented key
 * is compared with `timingSafeEqual`: the lookup's timing then depends on a digest the caller
 * cannot steer towards a stored key, so response times reveal nothing about the keys.
 *
 * @throws AgentryError `AGENTRY_UNAUTHORIZED` when the header is missing, not Bearer, or the key is unknown.
 */
export function createAuthenticator(apiKeys: ApiKeys): Authenticator {
  const lookup = typeof apiKeys === 'function' ? apiKeys : createKeyTable(apiKeys);
  return async (authorization) => {
    const key = bearerToken(authorization);
    if (key === undefined) throw unauthorized('the request has no `Authorization: Bearer <api key>` header');
    let identity: ApiKeyIdentity | undefined;
    try {
      identity = await lookup(key);
    } catch (error) {
      if (isAgentryError(error)) throw error;
      throw new AgentryError('AGENTRY_INTERNAL', `authenticate: the apiKeys lookup failed: ${(error as Error)?.message ?? String(error)}`, {
        cause: error,
      });
    }
    if (identity === undefined || typeof identity.tenant !== 'string' || identity.tenant.length === 0) {
      throw unauthorized('the API key is not recognised');
    }
    return identity.tenant;
  };
}

function createKeyTable(keys: Readonly<Record<string, ApiKeyIdentity>>): (key: string) => Promise<ApiKeyIdentity | undefined> {
  const table = new Map<string, { digest: Buffer; identity: ApiKeyIdentity }>();
  for (const [key, identity] of Object.entries(keys)) {
    const digest = hash('sha256', key, 'buffer');
    table.set(digest.toString('base64'), { digest, identity: { tenant: identity.tenant } });
  }
  return async (key) => {
    const digest = hash('sha256', key, 'buffer');
    const entry = table.get(digest.toString('base64'));
    return entry !== undefined && timingSafeEqual(entry.digest, digest) ? entry.identity : undefined;
  };
}

function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined || authorization.length < 8) return undefined;
  // The scheme is case-insensitive (RFC 9110); compare without building a regex per request.
  if (authorization.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  const token = authorization.slice(7).trim();
  return token.length === 0 ? undefined : token;
}

function unauthorized(message: string): AgentryError {
  return new AgentryError('AGENTRY_UNAUTHORIZED', message);
}
