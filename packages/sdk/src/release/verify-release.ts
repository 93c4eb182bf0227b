import { createHash } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { AgentryError } from '../contract';
import { keyValidityProblem, type ReleaseKey } from './release-key';
import { inTotoPayloadType, releaseStatementSchema, type ReleaseStatement } from './release-statement';

/** Whom a release must be signed by. */
export type ReleaseTrust =
  | {
      /** A bundle signed with a local key (offline releases). */
      kind: 'key';
      key: ReleaseKey;
    }
  | {
      /** A keyless bundle: a Fulcio certificate for an OIDC identity, logged in Rekor. */
      kind: 'identity';
      /** Certificate subject alternative name, e.g. the release workflow URL. */
      identity: string;
      /** OIDC issuer, e.g. `https://token.actions.githubusercontent.com`. @default any issuer */
      issuer?: string;
      /** A Sigstore trusted root (trusted_root.json), so verification needs no network. */
      trustedRoot: unknown;
    };

/** What {@link verifyRelease} checks. */
export interface VerifyReleaseOptions {
  tarball: Uint8Array;
  /** The Sigstore bundle, parsed from its JSON. */
  bundle: unknown;
  /** The SBOM bytes; when absent the SBOM is not checked (and the result says so). */
  sbom?: Uint8Array;
  trust: ReleaseTrust;
  /** The time keys are checked against. @default now */
  now?: Date;
}

/** A verified release. */
export interface VerifiedRelease {
  statement: ReleaseStatement;
  tarballSha256: string;
  sbomSha256: string | undefined;
  signer: { kind: 'key'; keyId: string; algorithm: string; notAfter: Date | undefined } | { kind: 'identity'; identity: string; issuer: string | undefined };
  /** Facts a reviewer should read with the verdict (relaxed thresholds, unchecked parts). */
  notes: string[];
}

/** The thresholds used for keyed bundles, stated in the output. */
export const keyedThresholds = { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 } as const;

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function sha512(data: Uint8Array): string {
  return createHash('sha512').update(data).digest('hex');
}

const emptyTrustedRoot: TrustedRoot = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
};

function invalidBundle(message: string, cause?: unknown): AgentryError {
  return new AgentryError('AGENTRY_VERIFY_BUNDLE_INVALID', `verify: ${message}`, cause === undefined ? {} : { cause });
}

async function parseBundle(json: unknown): Promise<Bundle> {
  // Loaded here, not at the top: only `agentry verify` pays for the Sigstore libraries.
  const { bundleFromJSON } = await import('@sigstore/bundle');
  try {
    return bundleFromJSON(json);
  } catch (error) {
    throw invalidBundle(`the bundle is not a valid Sigstore bundle: ${(error as Error).message}`, error);
  }
}

async function verifySignature(bundle: Bundle, trust: ReleaseTrust): Promise<void> {
  const { Verifier, toSignedEntity, toTrustMaterial, PolicyError } = await import('@sigstore/verify');
  const keyMaterial = bundle.verificationMaterial.content.$case;
  if (trust.kind === 'key') {
    if (keyMaterial !== 'publicKey') {
      throw invalidBundle(`the bundle is signed with a ${keyMaterial} (keyless), not a key; verify it with --identity and --trusted-root`);
    }
    const hint = bundle.verificationMaterial.content.publicKey.hint;
    // The key finder ignores the hint and always offers the given key: a wrong key then fails on
    // the signature itself, which is the check that matters.
    const trustMaterial = toTrustMaterial(emptyTrustedRoot, () => ({ publicKey: trust.key.publicKey, validFor: () => true }));
    try {
      new Verifier(trustMaterial, keyedThresholds).verify(toSignedEntity(bundle));
    } catch (error) {
      const named = hint !== '' && hint !== trust.key.keyId ? ` The bundle names key ${hint}.` : '';
      throw new AgentryError(
        'AGENTRY_VERIFY_SIGNATURE_INVALID',
        `verify: the signature does not verify with key ${trust.key.keyId}: ${(error as Error).message}.${named}`,
        { cause: error },
      );
    }
    return;
  }
  if (keyMaterial === 'publicKey') throw invalidBundle('the bundle is signed with a key, not keyless; verify it with --key');
  const { TrustedRoot } = await import('@sigstore/protobuf-specs');
  let trustMaterial;
  try {
    trustMaterial = toTrustMaterial(TrustedRoot.fromJSON(trust.trustedRoot));
  } catch (error) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `verify: the trusted root is not a Sigstore trusted_root.json: ${(error as Error).message}`, { cause: error });
  }
  const policy = { subjectAlternativeName: trust.identity, ...(trust.issuer === undefined ? {} : { extensions: { issuer: trust.issuer } }) };
  try {
    // Default thresholds: one transparency-log entry, one SCT, one timestamp.
    new Verifier(trustMaterial).verify(toSignedEntity(bundle), policy);
  } catch (error) {
    if (error instanceof PolicyError) {
      throw new AgentryError('AGENTRY_VERIFY_UNTRUSTED_SIGNER', `verify: ${error.message}`, { cause: error });
    }
    throw new AgentryError('AGENTRY_VERIFY_SIGNATURE_INVALID', `verify: the keyless signature does not verify: ${(error as Error).message}`, { cause: error });
  }
}

function assertInTotoEnvelope(bundle: Bundle): void {
  if (bundle.content.$case !== 'dsseEnvelope') throw invalidBundle('the bundle signs a message digest, not a DSSE in-toto statement');
  const { payloadType } = bundle.content.dsseEnvelope;
  if (payloadType !== inTotoPayloadType) throw invalidBundle(`the DSSE payload is ${payloadType}, not an in-toto statement`);
}

// Runs after the signature check, so only signed bytes are interpreted.
function parseStatement(bundle: Bundle): ReleaseStatement {
  if (bundle.content.$case !== 'dsseEnvelope') throw invalidBundle('the bundle signs a message digest, not a DSSE in-toto statement');
  const envelope = bundle.content.dsseEnvelope;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(envelope.payload).toString('utf8'));
  } catch (error) {
    throw invalidBundle('the DSSE payload is not JSON', error);
  }
  const parsed = releaseStatementSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalidBundle(`the statement is not an Agentry release statement (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})`);
  }
  return parsed.data;
}

/**
 * Verifies a release tarball offline: the bundle's signature (with a key, or keyless against a
 * trusted root and an identity), then the tarball digest against the statement's subject and the
 * SBOM digest against its predicate.
 *
 * @throws AgentryError `AGENTRY_VERIFY_BUNDLE_INVALID`, `AGENTRY_VERIFY_SIGNATURE_INVALID`,
 * `AGENTRY_VERIFY_KEY_EXPIRED`, `AGENTRY_VERIFY_UNTRUSTED_SIGNER`, `AGENTRY_VERIFY_DIGEST_MISMATCH`,
 * `AGENTRY_VERIFY_SBOM_MISMATCH`.
 */
export async function verifyRelease(options: VerifyReleaseOptions): Promise<VerifiedRelease> {
  const bundle = await parseBundle(options.bundle);
  assertInTotoEnvelope(bundle);
  await verifySignature(bundle, options.trust);
  const statement = parseStatement(bundle);
  const notes: string[] = [];
  let signer: VerifiedRelease['signer'];
  if (options.trust.kind === 'key') {
    const { key } = options.trust;
    const problem = keyValidityProblem(key, options.now ?? new Date());
    if (problem !== undefined) {
      throw new AgentryError('AGENTRY_VERIFY_KEY_EXPIRED', `verify: the signature is valid but key ${key.keyId} is ${problem}`);
    }
    signer = { kind: 'key', keyId: key.keyId, algorithm: key.algorithm, notAfter: key.notAfter };
    notes.push(
      'keyed bundle: transparency-log, certificate-transparency and timestamp thresholds were set to 0 (a local key has no Rekor entry, Fulcio certificate or timestamp); trust rests on the key alone',
    );
    if (key.notAfter === undefined) notes.push('the key file states no validity (Not-After), so no expiry was checked');
  } else {
    signer = { kind: 'identity', identity: options.trust.identity, issuer: options.trust.issuer };
    if (options.trust.issuer === undefined) notes.push('no --issuer given: any OIDC issuer was accepted for the identity');
  }

  const subject = statement.subject[0]!;
  const tarballSha256 = sha256(options.tarball);
  if (tarballSha256 !== subject.digest.sha256 || (subject.digest.sha512 !== undefined && sha512(options.tarball) !== subject.digest.sha512)) {
    throw new AgentryError(
      'AGENTRY_VERIFY_DIGEST_MISMATCH',
      `verify: the tarball's sha256 is ${tarballSha256}, but the statement signs ${subject.digest.sha256} for ${subject.name}`,
    );
  }
  let sbomSha256: string | undefined;
  if (options.sbom === undefined) {
    notes.push('no SBOM given: its digest was not checked');
  } else {
    sbomSha256 = sha256(options.sbom);
    if (sbomSha256 !== statement.predicate.sbom.digest.sha256) {
      throw new AgentryError(
        'AGENTRY_VERIFY_SBOM_MISMATCH',
        `verify: the SBOM's sha256 is ${sbomSha256}, but the statement signs ${statement.predicate.sbom.digest.sha256} (${statement.predicate.sbom.name}) for ${subject.name}`,
      );
    }
  }
  if (statement.predicate.build.treeState === 'dirty') notes.push('built from a working tree with uncommitted changes: the commit alone does not reproduce it');
  return { statement, tarballSha256, sbomSha256, signer, notes };
}
