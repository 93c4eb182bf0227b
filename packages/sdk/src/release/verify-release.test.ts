import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { bundleToJSON } from '@sigstore/bundle';
import { DSSEBundleBuilder, type Signer } from '@sigstore/sign';
import { describe, expect, it } from 'vitest';
import { isAgentryError } from '../contract';
import { formatReleaseKey, parseReleaseKey, releaseKeyId, type ReleaseKey } from './release-key';
import { buildReleaseStatement, inTotoPayloadType } from './release-statement';
import { verifyRelease } from './verify-release';

const tarball = Buffer.from('pretend this is a tarball');
const sbom = Buffer.from('{"bomFormat":"CycloneDX"}');
const otherSbom = Buffer.from('{"bomFormat":"CycloneDX","other":true}');
const sha = (algorithm: string, data: Buffer) => createHash(algorithm).update(data).digest('hex');

function keyPair(validity?: { notBefore: Date; notAfter: Date }): { privateKey: KeyObject; key: ReleaseKey } {
  const pair = generateKeyPairSync('ed25519');
  const year = 365 * 24 * 3600 * 1000;
  const text = formatReleaseKey(pair.publicKey, validity ?? { notBefore: new Date(Date.now() - year), notAfter: new Date(Date.now() + year) });
  return { privateKey: pair.privateKey, key: parseReleaseKey(text) };
}

function signerFor(privateKey: KeyObject, key: ReleaseKey): Signer {
  return { sign: async (data) => ({ signature: sign(null, data, privateKey), key: { $case: 'publicKey', publicKey: key.pem, hint: key.keyId } }) };
}

async function bundleFor(privateKey: KeyObject, key: ReleaseKey, payload?: object): Promise<Record<string, unknown>> {
  const statement =
    payload ??
    buildReleaseStatement({
      name: '@agentry/sdk',
      version: '1.2.3',
      tarball: { sha256: sha('sha256', tarball), sha512: sha('sha512', tarball) },
      sbom: { name: 'agentry-sdk-1.2.3.cdx.json', sha256: sha('sha256', sbom), specVersion: '1.6' },
      commit: '0123456789abcdef0123456789abcdef01234567',
      treeState: 'clean',
      builder: 'test',
    });
  const builder = new DSSEBundleBuilder({ signer: signerFor(privateKey, key), witnesses: [], certificateChain: false });
  const bundle = await builder.create({ data: Buffer.from(JSON.stringify(statement)), type: inTotoPayloadType });
  return JSON.parse(JSON.stringify(bundleToJSON(bundle))) as Record<string, unknown>;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'verified';
  } catch (error) {
    return isAgentryError(error) ? error.code : `not coded: ${String(error)}`;
  }
}

describe('verifyRelease with a keyed bundle', () => {
  it('verifies the signature, the tarball subject and the SBOM predicate, and says thresholds were 0', async () => {
    const { privateKey, key } = keyPair();
    const result = await verifyRelease({ tarball, sbom, bundle: await bundleFor(privateKey, key), trust: { kind: 'key', key } });
    expect(result.statement.predicate.package).toEqual({ name: '@agentry/sdk', version: '1.2.3', purl: 'pkg:npm/%40agentry/sdk@1.2.3' });
    expect(result.tarballSha256).toBe(sha('sha256', tarball));
    expect(result.notes.join('\n')).toMatch(/thresholds were set to 0/);
  });

  it('refuses a tarball with one byte changed (AGENTRY_VERIFY_DIGEST_MISMATCH)', async () => {
    const { privateKey, key } = keyPair();
    const tampered = Buffer.from(tarball);
    tampered[3] = tampered[3]! ^ 1;
    expect(await codeOf(verifyRelease({ tarball: tampered, sbom, bundle: await bundleFor(privateKey, key), trust: { kind: 'key', key } }))).toBe('AGENTRY_VERIFY_DIGEST_MISMATCH');
  });

  it('refuses another SBOM than the one signed (AGENTRY_VERIFY_SBOM_MISMATCH)', async () => {
    const { privateKey, key } = keyPair();
    expect(await codeOf(verifyRelease({ tarball, sbom: otherSbom, bundle: await bundleFor(privateKey, key), trust: { kind: 'key', key } }))).toBe('AGENTRY_VERIFY_SBOM_MISMATCH');
  });

  it('refuses a bundle signed with another key (AGENTRY_VERIFY_SIGNATURE_INVALID)', async () => {
    const signer = keyPair();
    const other = keyPair();
    const error = await verifyRelease({ tarball, sbom, bundle: await bundleFor(signer.privateKey, signer.key), trust: { kind: 'key', key: other.key } }).catch((caught: unknown) => caught);
    expect(isAgentryError(error) && error.code).toBe('AGENTRY_VERIFY_SIGNATURE_INVALID');
    expect((error as Error).message).toContain(`The bundle names key ${signer.key.keyId}`);
  });

  it('refuses a statement edited after signing (AGENTRY_VERIFY_SIGNATURE_INVALID)', async () => {
    const { privateKey, key } = keyPair();
    const bundle = await bundleFor(privateKey, key);
    const envelope = bundle.dsseEnvelope as { payload: string };
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as { subject: Array<{ digest: { sha256: string } }> };
    statement.subject[0]!.digest.sha256 = 'f'.repeat(64);
    envelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    expect(await codeOf(verifyRelease({ tarball, sbom, bundle, trust: { kind: 'key', key } }))).toBe('AGENTRY_VERIFY_SIGNATURE_INVALID');
  });

  it('refuses a key past its Not-After, and one before its Not-Before (AGENTRY_VERIFY_KEY_EXPIRED)', async () => {
    const day = 24 * 3600 * 1000;
    const expired = keyPair({ notBefore: new Date(Date.now() - 10 * day), notAfter: new Date(Date.now() - day) });
    expect(await codeOf(verifyRelease({ tarball, sbom, bundle: await bundleFor(expired.privateKey, expired.key), trust: { kind: 'key', key: expired.key } }))).toBe(
      'AGENTRY_VERIFY_KEY_EXPIRED',
    );
    const future = keyPair({ notBefore: new Date(Date.now() + day), notAfter: new Date(Date.now() + 10 * day) });
    expect(await codeOf(verifyRelease({ tarball, sbom, bundle: await bundleFor(future.privateKey, future.key), trust: { kind: 'key', key: future.key } }))).toBe(
      'AGENTRY_VERIFY_KEY_EXPIRED',
    );
  });

  it('refuses what is not an Agentry release bundle (AGENTRY_VERIFY_BUNDLE_INVALID)', async () => {
    const { privateKey, key } = keyPair();
    const trust = { kind: 'key' as const, key };
    expect(await codeOf(verifyRelease({ tarball, bundle: { hello: 'world' }, trust }))).toBe('AGENTRY_VERIFY_BUNDLE_INVALID');
    const otherPredicate = { _type: 'https://in-toto.io/Statement/v1', subject: [], predicateType: 'https://slsa.dev/provenance/v1', predicate: {} };
    expect(await codeOf(verifyRelease({ tarball, bundle: await bundleFor(privateKey, key, otherPredicate), trust }))).toBe('AGENTRY_VERIFY_BUNDLE_INVALID');
    const keyless = await bundleFor(privateKey, key);
    keyless.verificationMaterial = { certificate: { rawBytes: Buffer.from('not a certificate').toString('base64') } };
    expect(await codeOf(verifyRelease({ tarball, bundle: keyless, trust }))).toBe('AGENTRY_VERIFY_BUNDLE_INVALID');
  });

  it('refuses a keyed bundle when a keyless signer identity is required (AGENTRY_VERIFY_BUNDLE_INVALID)', async () => {
    const { privateKey, key } = keyPair();
    const trust = { kind: 'identity' as const, identity: 'https://github.com/acme/agentry/.github/workflows/release.yml@refs/heads/main', trustedRoot: {} };
    expect(await codeOf(verifyRelease({ tarball, bundle: await bundleFor(privateKey, key), trust }))).toBe('AGENTRY_VERIFY_BUNDLE_INVALID');
  });

  it('checks no SBOM when none is given, and says so', async () => {
    const { privateKey, key } = keyPair();
    const result = await verifyRelease({ tarball, bundle: await bundleFor(privateKey, key), trust: { kind: 'key', key } });
    expect(result.sbomSha256).toBeUndefined();
    expect(result.notes).toContain('no SBOM given: its digest was not checked');
  });
});

describe('release key files', () => {
  it('read the validity stated above the PEM block and the key id of the key itself', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const key = parseReleaseKey(formatReleaseKey(publicKey, { notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2026-01-01T00:00:00Z') }));
    expect(key.keyId).toBe(releaseKeyId(publicKey));
    expect(key.notAfter?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(key.algorithm).toBe('ed25519');
  });

  it('refuse a file whose stated Key-Id is not its key, and text that is no public key', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const edited = formatReleaseKey(publicKey, { notBefore: new Date(0), notAfter: new Date(1e12) }).replace(/Key-Id: \w+/, `Key-Id: ${'0'.repeat(64)}`);
    expect(() => parseReleaseKey(edited)).toThrow(/states Key-Id/);
    expect(() => parseReleaseKey('hello')).toThrow(/not a PEM public key/);
  });
});
