// The local release signing key, used when no OIDC identity is available (offline, or a developer
// machine). It lives in a git-ignored folder and is generated on first use; it is never committed.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { formatReleaseKey, parseReleaseKey, type ReleaseKey } from '../../packages/sdk/src/release/release-key';
import { repoRoot } from './workspace-packages';

/** Default folder of the local key (git-ignored through `.agentry/`). */
export const defaultKeyDir = join(repoRoot, '.agentry', 'release-key');

/** File names inside the key folder. */
export const keyFiles = { privateKey: 'signing-key.pem', publicKey: 'signing-key.pub.pem' } as const;

/** A loaded local key. */
export interface LocalKey {
  privateKey: KeyObject;
  publicKey: ReleaseKey;
  /** The public key file's text (PEM with validity lines), copied into every release. */
  publicKeyFile: string;
  /** True when this call generated the key. */
  generated: boolean;
}

/** Options of {@link ensureLocalKey}. */
export interface LocalKeyOptions {
  /** @default .agentry/release-key */
  dir?: string;
  /** Validity of a generated key. @default one year from now */
  validity?: { notBefore: Date; notAfter: Date };
}

/** Loads the Ed25519 key from `dir`, generating it first when absent. */
export function ensureLocalKey(options: LocalKeyOptions = {}): LocalKey {
  const dir = options.dir ?? defaultKeyDir;
  const privatePath = join(dir, keyFiles.privateKey);
  const publicPath = join(dir, keyFiles.publicKey);
  let generated = false;
  if (!existsSync(privatePath)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Ed25519: signatures are deterministic, so a keyed release is byte-for-byte reproducible.
    const pair = generateKeyPairSync('ed25519');
    const now = new Date();
    const validity = options.validity ?? { notBefore: now, notAfter: new Date(now.getTime() + 365 * 24 * 3600 * 1000) };
    writeFileSync(privatePath, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    chmodSync(privatePath, 0o600);
    writeFileSync(publicPath, formatReleaseKey(pair.publicKey, validity));
    generated = true;
  }
  const privateKey = createPrivateKey(readFileSync(privatePath));
  const publicKeyFile = existsSync(publicPath)
    ? readFileSync(publicPath, 'utf8')
    : createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  const publicKey = parseReleaseKey(publicKeyFile, publicPath);
  if (publicKey.keyId !== parseReleaseKey(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString()).keyId) {
    throw new Error(`${publicPath} does not belong to ${privatePath}; delete both to generate a new key`);
  }
  return { privateKey, publicKey, publicKeyFile, generated };
}
