import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { AgentryError } from '../contract';

/**
 * A public key a release is verified against. The key file is a PEM public key, optionally preceded
 * by RFC 7468 explanatory text that states its validity, which OpenSSL (and so Node) skips:
 *
 * ```
 * Agentry release signing key (Ed25519)
 * Key-Id: 5f0c…
 * Not-Before: 2025-11-22T00:00:00.000Z
 * Not-After: 2026-11-22T00:00:00.000Z
 * -----BEGIN PUBLIC KEY-----
 * …
 * ```
 *
 * The validity is part of the trust anchor the reviewer obtained with the key (like `validFor` in a
 * Sigstore trusted root), not something the signer asserts in the bundle.
 */
export interface ReleaseKey {
  /** The key. */
  publicKey: KeyObject;
  /** Hex SHA-256 of the DER SubjectPublicKeyInfo; the DSSE `keyid` of signatures made with it. */
  keyId: string;
  /** `ed25519`, `ec` or `rsa`. */
  algorithm: string;
  /** Start of validity, when the key file states one. */
  notBefore: Date | undefined;
  /** End of validity, when the key file states one. */
  notAfter: Date | undefined;
  /** The SPKI PEM, without explanatory text. */
  pem: string;
}

/** Hex SHA-256 of a public key's DER SubjectPublicKeyInfo. */
export function releaseKeyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

function header(text: string, name: string): string | undefined {
  const preamble = text.slice(0, Math.max(0, text.indexOf('-----BEGIN')));
  return new RegExp(`^${name}:\\s*(.+?)\\s*$`, 'im').exec(preamble)?.[1];
}

function date(text: string | undefined, field: string, source: string): Date | undefined {
  if (text === undefined) return undefined;
  const value = new Date(text);
  if (Number.isNaN(value.getTime())) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `${source}: ${field} "${text}" is not an ISO date`, {
      hint: 'Write validity lines as `Not-After: 2026-11-22T00:00:00.000Z` above the PEM block.',
    });
  }
  return value;
}

/**
 * Parses a key file (PEM, with optional validity lines above it).
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` when the text holds no public key or a bad date.
 */
export function parseReleaseKey(text: string, source = 'key'): ReleaseKey {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(text);
  } catch (error) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `${source} is not a PEM public key: ${(error as Error).message}`, {
      hint: 'Pass the public key file of the release (signing-key.pub.pem in the release folder), not the private key.',
      cause: error,
    });
  }
  const keyId = releaseKeyId(publicKey);
  const stated = header(text, 'Key-Id');
  if (stated !== undefined && stated.toLowerCase() !== keyId) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `${source} states Key-Id ${stated} but its key has id ${keyId}`, {
      hint: 'The key file was edited or assembled by hand; get the original public key file.',
    });
  }
  return {
    publicKey,
    keyId,
    algorithm: publicKey.asymmetricKeyType ?? 'unknown',
    notBefore: date(header(text, 'Not-Before'), 'Not-Before', source),
    notAfter: date(header(text, 'Not-After'), 'Not-After', source),
    pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Renders a key file: the validity lines, then the PEM. */
export function formatReleaseKey(publicKey: KeyObject, validity: { notBefore: Date; notAfter: Date }): string {
  return [
    `Agentry release signing key (${publicKey.asymmetricKeyType ?? 'unknown'})`,
    `Key-Id: ${releaseKeyId(publicKey)}`,
    `Not-Before: ${validity.notBefore.toISOString()}`,
    `Not-After: ${validity.notAfter.toISOString()}`,
    publicKey.export({ type: 'spki', format: 'pem' }).toString().trimEnd(),
    '',
  ].join('\n');
}

/** Whether `key` is valid at `at`: `undefined` when it is, or the reason it is not. */
export function keyValidityProblem(key: ReleaseKey, at: Date): string | undefined {
  if (key.notAfter !== undefined && at > key.notAfter) return `expired on ${key.notAfter.toISOString()}`;
  if (key.notBefore !== undefined && at < key.notBefore) return `not valid before ${key.notBefore.toISOString()}`;
  return undefined;
}
