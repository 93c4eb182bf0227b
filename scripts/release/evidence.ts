// `npm run evidence`: one dated folder (.evidence/<date>-<commit>/) a security reviewer can read
// without trusting us: the signed release artefacts and their verification, the test report, the
// audit-log export, a license summary of the SBOMs, the dependency vulnerability report, and an
// index.md that says what each file is and what is missing.
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runAuditCommand } from '../../packages/sdk/src/cli/commands/audit';
import { runVerifyCommand } from '../../packages/sdk/src/cli/commands/verify';
import { apiReportsDir } from './api-report';
import { gitState } from './git-state';
import { isMain } from './is-main';
import { renderLicenseSummary, summarizeLicenses } from './license-summary';
import { publicKeyFileName, releaseDry, type ReleaseManifest } from './release-dry';
import { runCommand } from './run-command';
import type { CdxBom } from './sbom';
import { repoRoot } from './workspace-packages';

/** Options of {@link collectEvidence}. */
export interface EvidenceOptions {
  root?: string;
  /** Evidence root; the dated folder is created inside. @default .evidence */
  outDir?: string;
  /** Release folder to collect (made with release:dry when it has no manifest). @default .release */
  releaseDir?: string;
  /** An existing JUnit XML report to include instead of running the suite. */
  junit?: string;
  /** Do not run the test suite (and include no test report unless `junit` is given). @default false */
  skipTests?: boolean;
  /** A governance audit log (JSON Lines) to verify and export. */
  auditLog?: string;
  /** Keyless releases: the signer identity to verify against (the release workflow's URL). */
  identity?: string;
  /** Keyless releases: the certificate issuer. @default GitHub Actions' OIDC issuer (as agentry verify) */
  issuer?: string;
  /** Keyless releases: a Sigstore trusted_root.json, so verification needs no network. */
  trustedRoot?: string;
  /** Environment of the npm audit run (e.g. another registry). @default process.env */
  env?: NodeJS.ProcessEnv;
  /** The folder's time stamp. @default now */
  now?: Date;
  log?: (line: string) => void;
}

interface Item {
  title: string;
  file?: string;
  status: 'ok' | 'problem' | 'missing';
  detail: string;
}

function capture(): { io: { stdout: { write(text: string): boolean }; stderr: { write(text: string): boolean }; env: NodeJS.ProcessEnv }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (text: string) => ((out += text), true) }, stderr: { write: (text: string) => ((err += text), true) }, env: process.env },
    out: () => out,
    err: () => err,
  };
}

function junitTotals(xml: string): string {
  const tag = /<testsuites\b[^>]*>/.exec(xml)?.[0] ?? '';
  const attribute = (name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(tag)?.[1] ?? Number.NaN);
  const [tests, failures, errors, skipped] = ['tests', 'failures', 'errors', 'skipped'].map(attribute);
  return `${tests} tests, ${failures} failures, ${errors} errors${Number.isNaN(skipped) ? '' : `, ${skipped} skipped`}`;
}

async function testReport(options: EvidenceOptions, root: string, folder: string): Promise<Item> {
  const file = 'test-report.junit.xml';
  const target = join(folder, file);
  if (options.junit !== undefined) {
    copyFileSync(resolve(root, options.junit), target);
  } else if (options.skipTests) {
    return { title: 'Test report', status: 'missing', detail: 'not produced: --skip-tests was given and no --junit file. Run `npm run evidence` without it, or pass `--junit <file>`.' };
  } else {
    const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
    const run = await runCommand(process.execPath, [vitest, 'run', '--reporter=dot', '--reporter=junit', `--outputFile.junit=${target}`], { cwd: root });
    if (!existsSync(target)) return { title: 'Test report', status: 'problem', detail: `vitest wrote no report (exit ${run.code}): ${run.stderr.slice(-500)}` };
  }
  const xml = readFileSync(target, 'utf8');
  const totals = junitTotals(xml);
  const failed = /\b(failures|errors)="[1-9]/.test(/<testsuites\b[^>]*>/.exec(xml)?.[0] ?? '');
  return { title: 'Test report (JUnit XML)', file, status: failed ? 'problem' : 'ok', detail: `${totals}${options.junit === undefined ? '' : ` (reused ${basename(options.junit)})`}` };
}

async function auditLog(options: EvidenceOptions, root: string, folder: string): Promise<Item> {
  if (options.auditLog === undefined) {
    return {
      title: 'Governance audit-log export',
      status: 'missing',
      detail: 'no audit log given. Pass the deployment\'s log: `npm run evidence -- --audit-log <audit.jsonl>`; it is exported with `agentry audit export`, which verifies the hash chain first.',
    };
  }
  const file = 'audit-log.jsonl';
  const exported = capture();
  const code = await runAuditCommand(['export', resolve(root, options.auditLog), '--out', join(folder, file)], exported.io);
  writeFileSync(join(folder, 'audit-log.verdict.txt'), exported.err() + exported.out());
  return {
    title: 'Governance audit-log export',
    file,
    status: code === 0 ? 'ok' : 'problem',
    detail: `${exported.err().trim().split('\n')[0] ?? ''} (verdict in audit-log.verdict.txt)`,
  };
}

async function npmAudit(options: EvidenceOptions, root: string, folder: string): Promise<Item> {
  const run = await runCommand('npm', ['audit', '--json', '--omit=dev'], { cwd: root, env: options.env ?? process.env, timeoutMs: 120_000 });
  let report: { metadata?: { vulnerabilities?: Record<string, number> }; error?: { summary?: string }; message?: string } | undefined;
  try {
    report = JSON.parse(run.stdout) as typeof report;
  } catch {
    report = undefined;
  }
  const vulnerabilities = report?.metadata?.vulnerabilities;
  if (vulnerabilities === undefined) {
    // npm audit needs the registry; without it, say so instead of failing the whole bundle.
    writeFileSync(join(folder, 'npm-audit.error.txt'), `exit ${run.code}\n${run.stdout}\n${run.stderr}`);
    const reason = report?.message ?? report?.error?.summary ?? run.stderr.split('\n').find((line) => line.includes('error')) ?? `exit ${run.code}`;
    return { title: 'Dependency vulnerabilities (npm audit)', file: 'npm-audit.error.txt', status: 'missing', detail: `npm audit could not reach an advisory database: ${reason}. Re-run \`npm run evidence\` with registry access.` };
  }
  writeFileSync(join(folder, 'npm-audit.json'), run.stdout);
  const counts = Object.entries(vulnerabilities).filter(([level]) => level !== 'total').map(([level, count]) => `${count} ${level}`).join(', ');
  const serious = (vulnerabilities.high ?? 0) + (vulnerabilities.critical ?? 0);
  return { title: 'Dependency vulnerabilities (npm audit, runtime dependencies)', file: 'npm-audit.json', status: serious > 0 ? 'problem' : 'ok', detail: `${vulnerabilities.total ?? 0} total: ${counts}` };
}

/** Collects the evidence bundle and returns its folder. */
export async function collectEvidence(options: EvidenceOptions = {}): Promise<string> {
  const root = options.root ?? repoRoot;
  const log = options.log ?? ((line: string) => console.log(line));
  const now = options.now ?? new Date();
  const git = await gitState(root);
  const stamp = `${now.toISOString().slice(0, 16).replace(/:/g, '')}Z`;
  const folder = resolve(root, options.outDir ?? '.evidence', `${stamp}-${git.commit.slice(0, 12)}`);
  mkdirSync(folder, { recursive: true });
  const releaseDir = resolve(root, options.releaseDir ?? '.release');
  if (!existsSync(join(releaseDir, 'manifest.json'))) {
    log(`evidence: no release in ${relative(root, releaseDir)}; running release:dry`);
    await releaseDry({ root, outDir: releaseDir, log });
  }
  const manifest = JSON.parse(readFileSync(join(releaseDir, 'manifest.json'), 'utf8')) as ReleaseManifest;
  const items: Item[] = [];

  // Release artefacts: everything but the tarballs (their digests are in the manifest).
  mkdirSync(join(folder, 'release'), { recursive: true });
  for (const file of readdirSync(releaseDir).filter((name) => !name.endsWith('.tgz'))) copyFileSync(join(releaseDir, file), join(folder, 'release', file));
  items.push({ title: 'Release manifest, SBOMs (CycloneDX 1.6) and Sigstore bundles', file: 'release/', status: 'ok', detail: `${manifest.packages.length} packages, signed ${manifest.signing.mode === 'key' ? `with key ${manifest.signing.keyId ?? ''}` : 'keyless'}` });

  // Verification, as a reviewer would run it.
  const verdicts: string[] = [];
  const keyless = manifest.signing.mode !== 'key';
  const keylessTrust =
    options.identity !== undefined && options.trustedRoot !== undefined
      ? ['--identity', options.identity, ...(options.issuer === undefined ? [] : ['--issuer', options.issuer]), '--trusted-root', resolve(root, options.trustedRoot)]
      : undefined;
  if (keyless && keylessTrust === undefined) {
    // Not a failure: keyless bundles are checked against an identity and a trust root that only
    // the person running this can vouch for.
    for (const pkg of manifest.packages) verdicts.push(`${pkg.tarball.file}: keyless; verify with --identity and --trusted-root (see docs/security.md)`);
    writeFileSync(join(folder, 'verification.txt'), `${verdicts.join('\n')}\n`);
    items.push({
      title: 'Offline verification of every tarball (agentry verify)',
      file: 'verification.txt',
      status: 'missing',
      detail: 'keyless release: pass `--identity <release workflow URL> --trusted-root <trusted_root.json>` to verify every tarball here',
    });
  } else {
    let verifiedAll = true;
    for (const pkg of manifest.packages) {
      const result = capture();
      const trust = keylessTrust ?? ['--key', join(releaseDir, publicKeyFileName)];
      const code = await runVerifyCommand([join(releaseDir, pkg.tarball.file), ...trust], result.io);
      if (code !== 0) verifiedAll = false;
      verdicts.push(result.out() + result.err());
    }
    writeFileSync(join(folder, 'verification.txt'), verdicts.join('\n'));
    items.push({ title: 'Offline verification of every tarball (agentry verify)', file: 'verification.txt', status: verifiedAll ? 'ok' : 'problem', detail: verifiedAll ? 'every tarball VERIFIED against its bundle and SBOM' : 'see the file: at least one tarball did not verify' });
  }

  const boms = manifest.packages.map((pkg) => JSON.parse(readFileSync(join(releaseDir, pkg.sbom.file), 'utf8')) as CdxBom);
  const licenses = summarizeLicenses(boms);
  writeFileSync(join(folder, 'license-summary.md'), renderLicenseSummary(licenses));
  writeFileSync(join(folder, 'license-summary.json'), `${JSON.stringify(licenses, null, 2)}\n`);
  items.push({
    title: 'License summary (from the SBOMs)',
    file: 'license-summary.md',
    status: licenses.copyleft.length + licenses.unlicensed.length === 0 ? 'ok' : 'problem',
    detail: `${licenses.componentCount} components; ${licenses.groups.slice(0, 4).map((group) => `${group.license} ${group.components.length}`).join(', ')}; copyleft ${licenses.copyleft.length}, unstated ${licenses.unlicensed.length}`,
  });

  items.push(await testReport(options, root, folder));
  items.push(await auditLog(options, root, folder));
  items.push(await npmAudit(options, root, folder));

  cpSync(join(root, apiReportsDir), join(folder, 'api-reports'), { recursive: true });
  copyFileSync(join(root, 'compat-matrix.json'), join(folder, 'compat-matrix.json'));
  items.push({ title: 'Public API reports and compatibility matrix', file: 'api-reports/', status: 'ok', detail: 'the reviewed API surface per entry point, and what is supported (compat-matrix.json)' });

  writeFileSync(join(folder, 'index.md'), renderIndex({ now, git, manifest, items }));
  log(`evidence: ${relative(root, folder)}/index.md`);
  return folder;
}

function renderIndex(input: { now: Date; git: { commit: string; treeState: string }; manifest: ReleaseManifest; items: Item[] }): string {
  const mark = { ok: 'ok', problem: 'NEEDS A LOOK', missing: 'missing' } as const;
  return [
    '# Agentry release evidence',
    '',
    `Collected ${input.now.toISOString()} from commit \`${input.git.commit}\` (${input.git.treeState} working tree).`,
    'Read this page first; every claim links to the file that backs it. Nothing here needs our word:',
    'the SBOMs and bundles verify offline with `agentry verify`, and the digests below are in the signed statements.',
    '',
    '## Contents',
    '',
    '| item | file | status | detail |',
    '| --- | --- | --- | --- |',
    ...input.items.map((item) => `| ${item.title} | ${item.file === undefined ? '-' : `[${item.file}](${item.file})`} | ${mark[item.status]} | ${item.detail.replaceAll('|', '\\|')} |`),
    '',
    '## Packages',
    '',
    '| package | tarball sha256 | SBOM sha256 |',
    '| --- | --- | --- |',
    ...input.manifest.packages.map((pkg) => `| ${pkg.name}@${pkg.version} | \`${pkg.tarball.sha256}\` | \`${pkg.sbom.sha256}\` |`),
    '',
    '## Check it yourself',
    '',
    '```sh',
    ...input.manifest.packages.map((pkg) =>
      input.manifest.signing.mode === 'key'
        ? `npx agentry verify ${pkg.tarball.file} --key ${publicKeyFileName}`
        : `npx agentry verify ${pkg.tarball.file} --identity <workflow identity> --issuer https://token.actions.githubusercontent.com --trusted-root trusted_root.json`,
    ),
    '```',
    '',
    'Tarballs are not copied here (the registry and the release page have them); their digests are above.',
    'docs/security.md describes the threat model and what each check proves.',
    '',
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      out: { type: 'string' },
      release: { type: 'string' },
      junit: { type: 'string' },
      'skip-tests': { type: 'boolean', default: false },
      'audit-log': { type: 'string' },
      identity: { type: 'string' },
      issuer: { type: 'string' },
      'trusted-root': { type: 'string' },
    },
  });
  collectEvidence({
    ...(values.out === undefined ? {} : { outDir: values.out }),
    ...(values.release === undefined ? {} : { releaseDir: values.release }),
    ...(values.junit === undefined ? {} : { junit: values.junit }),
    skipTests: values['skip-tests'],
    ...(values['audit-log'] === undefined ? {} : { auditLog: values['audit-log'] }),
    ...(values.identity === undefined ? {} : { identity: values.identity }),
    ...(values.issuer === undefined ? {} : { issuer: values.issuer }),
    ...(values['trusted-root'] === undefined ? {} : { trustedRoot: values['trusted-root'] }),
  }).catch((error: unknown) => {
    console.error(`evidence failed: ${(error as Error).message}`);
    process.exitCode = 1;
  });
}
