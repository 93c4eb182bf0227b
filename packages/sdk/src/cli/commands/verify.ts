import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { AgentryError, toAgentryError } from '../../contract';
import { parseReleaseKey } from '../../release/release-key';
import { verifyExitCode } from '../../release/verify-exit-codes';
import { keyedThresholds, verifyRelease, type ReleaseTrust, type VerifiedRelease } from '../../release/verify-release';
import { formatCliError } from '../format-error';
import type { CommandIo } from '../io';

export const verifyUsage = `Usage: agentry verify <tarball> [--bundle FILE] [--sbom FILE] (--key PUB.pem | --identity SAN [--issuer URL] --trusted-root FILE)

Verifies a release tarball offline: the Sigstore bundle's signature, the tarball's sha256 against
the signed in-toto subject, and the SBOM's sha256 against the signed predicate.

  --bundle FILE        the Sigstore bundle (default: <tarball stem>.sigstore.json beside it)
  --sbom FILE          the CycloneDX SBOM (default: <tarball stem>.cdx.json beside it, if present)
  --key FILE           public key of a keyed (offline) release, e.g. signing-key.pub.pem
  --identity SAN       keyless: the signer's certificate identity (the release workflow URL)
  --issuer URL         keyless: the OIDC issuer (https://token.actions.githubusercontent.com)
  --trusted-root FILE  keyless: a Sigstore trusted_root.json, so no network is needed

Exit codes: 0 verified, 1 error, 2 usage, 10 bundle invalid, 11 signature invalid (wrong key or
altered statement), 12 key expired, 13 untrusted signer, 14 tarball digest mismatch, 15 SBOM mismatch.
`;

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `verify: cannot read the ${what} ${path}: ${(error as Error).message}`, {
      hint: `Give the ${what}'s path; release:dry writes it to .release/.`,
      cause: error,
    });
  }
}

function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(read(path, what).toString('utf8'));
  } catch (error) {
    if (error instanceof AgentryError) throw error;
    throw new AgentryError('AGENTRY_VERIFY_BUNDLE_INVALID', `verify: the ${what} ${path} is not JSON`, { cause: error });
  }
}

function stem(tarball: string): string {
  return tarball.replace(/\.tgz$/, '');
}

function trustFrom(values: { key?: string; identity?: string; issuer?: string; 'trusted-root'?: string }): { trust: ReleaseTrust; source: string } {
  if (values.key !== undefined && values.identity !== undefined) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', 'verify: give --key or --identity, not both');
  }
  if (values.key !== undefined) {
    return { trust: { kind: 'key', key: parseReleaseKey(read(values.key, 'key').toString('utf8'), values.key) }, source: values.key };
  }
  if (values.identity !== undefined) {
    if (values['trusted-root'] === undefined) {
      throw new AgentryError('AGENTRY_INVALID_OPTIONS', 'verify: --identity needs --trusted-root (a Sigstore trusted_root.json) to verify offline', {
        hint: 'Fetch it once where there is network, e.g. `cosign trusted-root create` or from the sigstore TUF repository, and pass its path.',
      });
    }
    return {
      trust: {
        kind: 'identity',
        identity: values.identity,
        ...(values.issuer === undefined ? {} : { issuer: values.issuer }),
        trustedRoot: readJson(values['trusted-root'], 'trusted root'),
      },
      source: values['trusted-root'],
    };
  }
  // Never fall back to a key found beside the tarball: whoever swapped the tarball could swap it too.
  throw new AgentryError('AGENTRY_INVALID_OPTIONS', 'verify: say whom to trust: --key <public key> or --identity <signer> --trusted-root <file>', {
    hint: 'Use the public key or signer identity published in docs/security.md, obtained separately from the tarball.',
  });
}

function describe(result: VerifiedRelease, files: { tarball: string; bundle: string; sbom: string | undefined; trustSource: string }): string {
  const { predicate, subject } = { predicate: result.statement.predicate, subject: result.statement.subject[0]! };
  const signer =
    result.signer.kind === 'key'
      ? `key ${result.signer.keyId} (${result.signer.algorithm}) from ${files.trustSource}` +
        (result.signer.notAfter === undefined ? '' : `, valid until ${result.signer.notAfter.toISOString()}`)
      : `${result.signer.identity}${result.signer.issuer === undefined ? '' : ` (issuer ${result.signer.issuer})`}`;
  const thresholds =
    result.signer.kind === 'key'
      ? `tlog ${keyedThresholds.tlogThreshold}, ctlog ${keyedThresholds.ctlogThreshold}, timestamps ${keyedThresholds.timestampThreshold} (keyed bundle)`
      : 'tlog 1, ctlog 1, timestamps 1 (keyless)';
  const lines = [
    `agentry verify ${basename(files.tarball)}`,
    `  package    ${predicate.package.name}@${predicate.package.version} (${subject.name})`,
    `  bundle     ${files.bundle}: DSSE in-toto statement, signature valid`,
    `  signer     ${signer}`,
    `  thresholds ${thresholds}`,
    `  tarball    sha256:${result.tarballSha256} matches the signed subject`,
    files.sbom === undefined
      ? '  sbom       not checked (no SBOM given or found beside the tarball)'
      : `  sbom       ${files.sbom} sha256:${result.sbomSha256} matches the signed predicate`,
    `  commit     ${predicate.build.commit} (${predicate.build.treeState} tree, built by ${predicate.build.builder})`,
    ...result.notes.map((note) => `  note       ${note}`),
    `VERIFIED: ${basename(files.tarball)} is ${predicate.package.name}@${predicate.package.version} as signed${files.sbom === undefined ? '' : ', and the SBOM is the one signed with it'}.`,
    '',
  ];
  return lines.join('\n');
}

/**
 * `agentry verify <tarball>`: verifies a release offline and prints a verdict. Returns the exit code
 * (see {@link verifyUsage}); failures print one coded line and a hint on stderr.
 */
export async function runVerifyCommand(argv: string[], io: CommandIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        bundle: { type: 'string' },
        sbom: { type: 'string' },
        key: { type: 'string' },
        identity: { type: 'string' },
        issuer: { type: 'string' },
        'trusted-root': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.stdout.write(verifyUsage);
      return 0;
    }
    const tarball = positionals[0];
    if (tarball === undefined || positionals.length > 1) {
      throw new AgentryError('AGENTRY_INVALID_OPTIONS', 'verify: give exactly one tarball', { hint: verifyUsage.split('\n')[0]! });
    }
    const bundle = values.bundle ?? `${stem(tarball)}.sigstore.json`;
    const besideSbom = `${stem(tarball)}.cdx.json`;
    const sbom = values.sbom ?? (existsSync(besideSbom) ? besideSbom : undefined);
    const { trust, source } = trustFrom(values);
    const result = await verifyRelease({
      tarball: read(tarball, 'tarball'),
      bundle: readJson(bundle, 'bundle'),
      ...(sbom === undefined ? {} : { sbom: read(sbom, 'SBOM') }),
      trust,
    });
    io.stdout.write(describe(result, { tarball, bundle, sbom, trustSource: source }));
    return 0;
  } catch (error) {
    const usage = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true;
    const agentryError = usage ? new AgentryError('AGENTRY_INVALID_OPTIONS', `verify: ${(error as Error).message}`, { hint: verifyUsage.split('\n')[0]! }) : toAgentryError(error);
    io.stderr.write(`NOT VERIFIED\n${formatCliError(agentryError)}`);
    return verifyExitCode(agentryError.code);
  }
}
