// release:dry end to end (without the build, which `npm test` runs first): pack, SBOM, sign, and
// `agentry verify` on the result; reproducibility across two runs; the coded failures; evidence.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVerifyCommand } from '../../packages/sdk/src/cli/commands/verify';
import { createAuditTrail } from '../../packages/sdk/src/middleware/governance/audit/audit-trail';
import { createJsonlAuditSink } from '../../packages/sdk/src/middleware/governance/audit/jsonl-audit-sink';
import { verifyExitCodes } from '../../packages/sdk/src/release/verify-exit-codes';
import { collectEvidence } from '../../scripts/release/evidence';
import { ensureLocalKey } from '../../scripts/release/local-key';
import { publicKeyFileName, releaseDry, type ReleaseManifest } from '../../scripts/release/release-dry';
import { chooseSigningMode, createReleaseSigner } from '../../scripts/release/release-signer';
import { subjectRewriteProperty, type CdxBom } from '../../scripts/release/sbom';
import { buildReleaseStatement } from '../../packages/sdk/src/release/release-statement';
import { listPublishedPackages } from '../../scripts/release/workspace-packages';

const work = mkdtempSync(join(tmpdir(), 'agentry-release-'));
const keyDir = join(work, 'key');
const first = join(work, 'first');
const second = join(work, 'second');
let manifest: ReleaseManifest;
let secondManifest: ReleaseManifest;
const quiet = () => {};

beforeAll(async () => {
  ensureLocalKey({ dir: keyDir });
  // Two independent runs from the same commit (concurrently: most of the time is npm waiting).
  const run = (outDir: string) => releaseDry({ outDir, skipBuild: true, skipLint: true, signing: 'key', key: { dir: keyDir }, env: {}, log: quiet });
  [manifest, secondManifest] = await Promise.all([run(first), run(second)]);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function io() {
  let stdout = '';
  let stderr = '';
  return { io: { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) }, env: {} }, out: () => stdout, err: () => stderr };
}

async function verify(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const captured = io();
  const code = await runVerifyCommand(args, captured.io);
  return { code, out: captured.out(), err: captured.err() };
}

const key = () => join(first, publicKeyFileName);
const file = (dir: string, name: string) => join(dir, name);

describe('release:dry', () => {
  it('packs every published package with an SBOM and a bundle, listed with their digests in manifest.json and SHA256SUMS', () => {
    expect(manifest.packages.map((pkg) => pkg.name)).toEqual(listPublishedPackages().map((pkg) => pkg.name));
    for (const pkg of manifest.packages) {
      for (const name of [pkg.tarball.file, pkg.sbom.file, pkg.bundle.file]) expect(existsSync(file(first, name)), name).toBe(true);
      expect(readFileSync(file(first, 'SHA256SUMS'), 'utf8')).toContain(`${pkg.tarball.sha256}  ${pkg.tarball.file}`);
    }
    expect(manifest.signing).toMatchObject({ mode: 'key', publicKey: publicKeyFileName });
  });

  it('gives the same tarball, SBOM and bundle bytes on two runs from the same commit', () => {
    expect(secondManifest).toEqual(manifest);
    const files = readdirSync(first).sort();
    expect(readdirSync(second).sort()).toEqual(files);
    for (const name of files) expect(readFileSync(file(second, name)).equals(readFileSync(file(first, name))), name).toBe(true);
  });

  it('makes each package the subject of its CycloneDX 1.6 SBOM and records that it did', () => {
    for (const pkg of manifest.packages) {
      const bom = JSON.parse(readFileSync(file(first, pkg.sbom.file), 'utf8')) as CdxBom;
      expect(bom.specVersion).toBe('1.6');
      expect(bom.metadata.component?.purl).toBe(`pkg:npm/${pkg.name.replace('@', '%40')}@${pkg.version}`);
      expect(bom.metadata.properties?.find((property) => property.name === subjectRewriteProperty)?.value).toMatch(/named the workspace root agentry-monorepo/);
      expect(JSON.stringify(bom.components)).not.toContain('"name":"agentry-monorepo"');
    }
  });
});

describe('agentry verify on the release', () => {
  it('verifies every tarball with its bundle, SBOM and the release key, stating the keyed thresholds', async () => {
    for (const pkg of manifest.packages) {
      const result = await verify([file(first, pkg.tarball.file), '--key', key()]);
      expect(result.err).toBe('');
      expect(result.code).toBe(0);
      expect(result.out).toContain(`VERIFIED: ${pkg.tarball.file} is ${pkg.name}@${pkg.version} as signed, and the SBOM is the one signed with it.`);
      expect(result.out).toContain('thresholds tlog 0, ctlog 0, timestamps 0 (keyed bundle)');
    }
  });

  it('fails a tarball with one byte changed with AGENTRY_VERIFY_DIGEST_MISMATCH and its exit code', async () => {
    const pkg = manifest.packages[0]!;
    const tampered = join(work, pkg.tarball.file);
    const bytes = readFileSync(file(first, pkg.tarball.file));
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    writeFileSync(tampered, bytes);
    const result = await verify([tampered, '--bundle', file(first, pkg.bundle.file), '--sbom', file(first, pkg.sbom.file), '--key', key()]);
    expect(result.code).toBe(verifyExitCodes.AGENTRY_VERIFY_DIGEST_MISMATCH);
    expect(result.err).toMatch(/^NOT VERIFIED\nagentry: verify: the tarball's sha256 is \w+, but the statement signs \w+ .*\(AGENTRY_VERIFY_DIGEST_MISMATCH\)/);
  });

  it('fails another package\'s SBOM with AGENTRY_VERIFY_SBOM_MISMATCH and its exit code', async () => {
    const [one, two] = manifest.packages as [ReleaseManifest['packages'][number], ReleaseManifest['packages'][number]];
    const result = await verify([file(first, one.tarball.file), '--sbom', file(first, two.sbom.file), '--key', key()]);
    expect(result.code).toBe(verifyExitCodes.AGENTRY_VERIFY_SBOM_MISMATCH);
    expect(result.err).toContain('(AGENTRY_VERIFY_SBOM_MISMATCH)');
  });

  it('fails with another key (AGENTRY_VERIFY_SIGNATURE_INVALID) and with an expired key (AGENTRY_VERIFY_KEY_EXPIRED), each with its exit code', async () => {
    const pkg = manifest.packages[0]!;
    const other = ensureLocalKey({ dir: join(work, 'other-key') });
    writeFileSync(join(work, 'other.pub.pem'), other.publicKeyFile);
    const wrong = await verify([file(first, pkg.tarball.file), '--key', join(work, 'other.pub.pem')]);
    expect(wrong.code).toBe(verifyExitCodes.AGENTRY_VERIFY_SIGNATURE_INVALID);
    expect(wrong.err).toContain('(AGENTRY_VERIFY_SIGNATURE_INVALID)');

    const day = 24 * 3600 * 1000;
    const expiredDir = join(work, 'expired-key');
    ensureLocalKey({ dir: expiredDir, validity: { notBefore: new Date(Date.now() - 30 * day), notAfter: new Date(Date.now() - day) } });
    const signer = await createReleaseSigner({ mode: 'key', env: {}, key: { dir: expiredDir } });
    const statement = buildReleaseStatement({
      name: pkg.name,
      version: pkg.version,
      tarball: pkg.tarball,
      sbom: { name: pkg.sbom.file, sha256: pkg.sbom.sha256, specVersion: '1.6' },
      commit: manifest.commit,
      treeState: manifest.treeState,
      builder: 'test',
    });
    writeFileSync(join(work, 'expired.sigstore.json'), JSON.stringify(await signer.sign(statement)));
    const expired = await verify([file(first, pkg.tarball.file), '--bundle', join(work, 'expired.sigstore.json'), '--key', join(expiredDir, 'signing-key.pub.pem')]);
    expect(expired.code).toBe(verifyExitCodes.AGENTRY_VERIFY_KEY_EXPIRED);
    expect(expired.err).toMatch(/the signature is valid but key \w+ is expired on .*\(AGENTRY_VERIFY_KEY_EXPIRED\)/);
  });

  it('refuses to guess whom to trust, and a keyless check without a trusted root, as usage errors', async () => {
    const pkg = manifest.packages[0]!;
    expect((await verify([file(first, pkg.tarball.file)])).code).toBe(2);
    const keyless = await verify([file(first, pkg.tarball.file), '--identity', 'https://github.com/acme/agentry/.github/workflows/release.yml@refs/heads/main']);
    expect(keyless.code).toBe(2);
    expect(keyless.err).toContain('--identity needs --trusted-root');
    expect((await verify([file(first, pkg.tarball.file), '--bundle', file(first, pkg.sbom.file), '--key', key()])).code).toBe(verifyExitCodes.AGENTRY_VERIFY_BUNDLE_INVALID);
  });
});

describe('keyless signing', () => {
  it('is chosen when an OIDC token is available (SIGSTORE_ID_TOKEN or GitHub Actions id-token), the local key otherwise', () => {
    expect(chooseSigningMode('auto', {})).toBe('key');
    expect(chooseSigningMode('auto', { SIGSTORE_ID_TOKEN: 'token' })).toBe('keyless');
    expect(chooseSigningMode('auto', { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://example.invalid', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'x' })).toBe('keyless');
    expect(chooseSigningMode('key', { SIGSTORE_ID_TOKEN: 'token' })).toBe('key');
  });

  it('asks Fulcio for a certificate with the identity token (a loopback Fulcio that refuses)', async () => {
    const requests: Array<{ url: string; body: string }> = [];
    const server: Server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        requests.push({ url: request.url ?? '', body });
        // 400: not retried, so the test does not wait for backoff.
        response.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"test fulcio says no"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const token = `${part({ alg: 'none' })}.${part({ iss: 'https://token.actions.githubusercontent.com', sub: 'repo:acme/agentry:ref:refs/heads/main' })}.`;
      const signer = await createReleaseSigner({ mode: 'auto', env: { SIGSTORE_ID_TOKEN: token, SIGSTORE_FULCIO_URL: base, SIGSTORE_REKOR_URL: base } });
      expect(signer.mode).toBe('keyless');
      const pkg = manifest.packages[0]!;
      const statement = buildReleaseStatement({ name: pkg.name, version: pkg.version, tarball: pkg.tarball, sbom: { name: pkg.sbom.file, sha256: pkg.sbom.sha256, specVersion: '1.6' }, commit: manifest.commit, treeState: 'clean', builder: 'test' });
      await expect(signer.sign(statement)).rejects.toThrow();
      expect(requests[0]?.url).toMatch(/^\/api\/v2\/signingCert/);
      expect(JSON.parse(requests[0]!.body)).toMatchObject({ credentials: { oidcIdentityToken: token } });
    } finally {
      server.close();
    }
  });
});

describe('npm run evidence', () => {
  it('collects release artefacts, verification, test report, audit-log export, license summary and npm audit under an index.md', async () => {
    const auditPath = join(work, 'audit.jsonl');
    const trail = createAuditTrail({ log: createJsonlAuditSink(auditPath), clock: () => 1_700_000_000_000 });
    await trail.record({ requestId: 'req_1', invocationId: 'inv_1', tenant: 'acme', agent: 'echo', version: '1.0.0', mode: 'invoke', decision: 'allow', outcome: 'succeeded' });
    const junit = join(work, 'junit.xml');
    writeFileSync(junit, '<?xml version="1.0"?>\n<testsuites name="vitest tests" tests="3" failures="0" errors="0" time="1.0">\n</testsuites>\n');
    // npm audit talks to this loopback "registry" only; it answers that nothing is vulnerable.
    const registry = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    try {
      const port = (registry.address() as AddressInfo).port;
      const folder = await collectEvidence({
        outDir: join(work, 'evidence'),
        releaseDir: first,
        junit,
        auditLog: auditPath,
        env: { ...process.env, npm_config_registry: `http://127.0.0.1:${port}/`, npm_config_fetch_retries: '0', npm_config_audit_level: 'none' },
        now: new Date('2026-01-02T03:04:05Z'),
        log: quiet,
      });
      expect(folder).toMatch(/evidence\/2026-01-02T0304Z-[0-9a-f]{12}$/);
      const index = readFileSync(join(folder, 'index.md'), 'utf8');
      expect(index).toContain('| Offline verification of every tarball (agentry verify) | [verification.txt](verification.txt) | ok |');
      expect(index).toContain('| Test report (JUnit XML) | [test-report.junit.xml](test-report.junit.xml) | ok | 3 tests, 0 failures, 0 errors');
      expect(index).toMatch(/\| Governance audit-log export \| \[audit-log\.jsonl\]\(audit-log\.jsonl\) \| ok \|/);
      expect(index).toMatch(/\| Dependency vulnerabilities \(npm audit, runtime dependencies\) \| \[npm-audit\.json\]\(npm-audit\.json\) \| ok \| 0 total/);
      expect(index).toMatch(/\| License summary \(from the SBOMs\) \| \[license-summary\.md\]/);
      for (const pkg of manifest.packages) {
        expect(index).toContain(`| ${pkg.name}@${pkg.version} | \`${pkg.tarball.sha256}\` | \`${pkg.sbom.sha256}\` |`);
        expect(existsSync(join(folder, 'release', pkg.sbom.file))).toBe(true);
        expect(existsSync(join(folder, 'release', pkg.bundle.file))).toBe(true);
      }
      expect(readFileSync(join(folder, 'audit-log.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
    } finally {
      registry.close();
    }
  });

  it('says what is missing, and why, when the audit database and the audit log are not available', async () => {
    const refusing = createServer((request, response) => {
      request.resume();
      response.writeHead(503).end();
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    try {
      const port = (refusing.address() as AddressInfo).port;
      const folder = await collectEvidence({
        outDir: join(work, 'evidence-offline'),
        releaseDir: first,
        skipTests: true,
        env: { ...process.env, npm_config_registry: `http://127.0.0.1:${port}/`, npm_config_fetch_retries: '0' },
        log: quiet,
      });
      const index = readFileSync(join(folder, 'index.md'), 'utf8');
      expect(index).toMatch(/\| Dependency vulnerabilities \(npm audit\) \| \[npm-audit\.error\.txt\]\(npm-audit\.error\.txt\) \| missing \| npm audit could not reach an advisory database/);
      expect(index).toMatch(/\| Governance audit-log export \| - \| missing \| no audit log given/);
      expect(index).toMatch(/\| Test report \| - \| missing \|/);
    } finally {
      refusing.close();
    }
  });
});
