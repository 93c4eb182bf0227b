// `npm run release:dry`: builds every published package, packs it, lints the tarball (publint,
// attw), writes a CycloneDX SBOM per package and signs tarball + SBOM into a Sigstore bundle.
// Everything lands in one folder (default .release/) with manifest.json and SHA256SUMS.
// Nothing is published: release.yml publishes these exact tarballs.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildReleaseStatement } from '../../packages/sdk/src/release/release-statement';
import { gitState } from './git-state';
import { isMain } from './is-main';
import type { LocalKeyOptions } from './local-key';
import { digestsOf, packPackage, type FileDigests } from './pack-package';
import { lintTarball } from './package-lint';
import { createReleaseSigner, type RequestedSigningMode, type SigningMode } from './release-signer';
import { generateSbom, sbomSpecVersion } from './sbom';
import { runChecked } from './run-command';
import { listPublishedPackages, repoRoot, tarballStem } from './workspace-packages';

/** Name of the public key file in a keyed release folder. */
export const publicKeyFileName = 'signing-key.pub.pem';

/** One package of a release. */
export interface ReleaseManifestPackage {
  name: string;
  version: string;
  tarball: { file: string } & FileDigests;
  sbom: { file: string; sha256: string; specVersion: string };
  bundle: { file: string; sha256: string };
}

/** manifest.json of a release folder: no timestamps, so two runs on one commit write the same file. */
export interface ReleaseManifest {
  schemaVersion: 1;
  commit: string;
  treeState: 'clean' | 'dirty';
  signing: { mode: SigningMode; keyId?: string; publicKey?: string };
  packages: ReleaseManifestPackage[];
}

/** Options of {@link releaseDry}. */
export interface ReleaseDryOptions {
  /** Output folder; emptied first. @default .release */
  outDir?: string;
  /** Skip `npm run build` (the packages are already built). @default false */
  skipBuild?: boolean;
  /** Skip publint and attw. @default false */
  skipLint?: boolean;
  /** @default auto: keyless when an OIDC token is available */
  signing?: RequestedSigningMode;
  /** Where the local key lives (keyed signing). */
  key?: LocalKeyOptions;
  env?: Readonly<Record<string, string | undefined>>;
  root?: string;
  log?: (line: string) => void;
}

/** Runs the dry release and returns its manifest. Throws on the first failing step, naming it. */
export async function releaseDry(options: ReleaseDryOptions = {}): Promise<ReleaseManifest> {
  const root = options.root ?? repoRoot;
  const outDir = resolve(root, options.outDir ?? '.release');
  const log = options.log ?? ((line: string) => console.log(line));
  const env = options.env ?? process.env;
  if (!options.skipBuild) {
    log('build: npm run build');
    await runChecked('npm', ['run', 'build', '--silent'], { cwd: root });
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const git = await gitState(root, env);
  const signer = await createReleaseSigner({ mode: options.signing ?? 'auto', env, ...(options.key === undefined ? {} : { key: options.key }) });
  log(`sign: ${signer.description}${signer.publicKey?.generated === true ? ' (generated now; the private key stays in the git-ignored key folder)' : ''}`);

  // Packages are independent: pack, lint and describe them concurrently, then sign in order.
  const prepared = await Promise.all(
    listPublishedPackages(root).map(async (pkg) => {
      const stem = tarballStem(pkg.name, pkg.version);
      const packed = await packPackage(pkg, outDir, root);
      if (packed.file !== `${stem}.tgz`) throw new Error(`npm pack wrote ${packed.file}, expected ${stem}.tgz`);
      const lint = options.skipLint ? undefined : await lintTarball(join(outDir, packed.file));
      const sbomText = await generateSbom(pkg, { root, env: { ...process.env, ...env } });
      return { pkg, stem, packed, lint, sbomText };
    }),
  );
  const packages: ReleaseManifestPackage[] = [];
  const lintProblems: string[] = [];
  for (const { pkg, stem, packed, lint, sbomText } of prepared) {
    log(`pack: ${packed.file} sha256:${packed.digests.sha256}`);
    if (lint !== undefined) {
      lintProblems.push(...[...lint.publint, ...lint.attw].map((problem) => `${pkg.name}: ${problem}`));
      log(`lint: ${pkg.name} publint ${lint.publint.length === 0 ? 'clean' : `${lint.publint.length} problem(s)`}, attw ${lint.attwSkipped ?? (lint.attw.length === 0 ? 'clean' : `${lint.attw.length} problem(s)`)}`);
    }
    const sbomFile = `${stem}.cdx.json`;
    writeFileSync(join(outDir, sbomFile), sbomText);
    const sbomDigests = digestsOf(Buffer.from(sbomText));
    log(`sbom: ${sbomFile} sha256:${sbomDigests.sha256}`);
    const statement = buildReleaseStatement({
      name: pkg.name,
      version: pkg.version,
      tarball: packed.digests,
      sbom: { name: sbomFile, sha256: sbomDigests.sha256, specVersion: sbomSpecVersion },
      commit: git.commit,
      treeState: git.treeState,
      builder: 'agentry release:dry',
    });
    const bundleText = `${JSON.stringify(await signer.sign(statement), null, 2)}\n`;
    const bundleFile = `${stem}.sigstore.json`;
    writeFileSync(join(outDir, bundleFile), bundleText);
    log(`bundle: ${bundleFile}`);
    packages.push({
      name: pkg.name,
      version: pkg.version,
      tarball: { file: packed.file, ...packed.digests },
      sbom: { file: sbomFile, sha256: sbomDigests.sha256, specVersion: sbomSpecVersion },
      bundle: { file: bundleFile, sha256: digestsOf(Buffer.from(bundleText)).sha256 },
    });
  }
  if (lintProblems.length > 0) {
    throw new Error(`publint / attw found problems in the packed tarballs:\n  ${lintProblems.join('\n  ')}\nFix the package.json (or the build) of the package named.`);
  }

  const manifest: ReleaseManifest = {
    schemaVersion: 1,
    commit: git.commit,
    treeState: git.treeState,
    signing: { mode: signer.mode, ...(signer.publicKey === undefined ? {} : { keyId: signer.publicKey.keyId, publicKey: publicKeyFileName }) },
    packages,
  };
  if (signer.publicKey !== undefined) writeFileSync(join(outDir, publicKeyFileName), signer.publicKey.file);
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const sums = packages.flatMap((entry) => [entry.tarball.file, entry.sbom.file, entry.bundle.file]).map((file) => `${digestsOf(readFileSync(join(outDir, file))).sha256}  ${file}`);
  writeFileSync(join(outDir, 'SHA256SUMS'), `${sums.join('\n')}\n`);

  const shown = relative(root, outDir) || '.';
  log(`\nrelease:dry wrote ${packages.length} package(s) to ${shown}/ (commit ${git.commit.slice(0, 12)}, ${git.treeState} tree). Verify each with:`);
  for (const entry of packages) {
    const trust = signer.mode === 'key' ? `--key ${shown}/${publicKeyFileName}` : '--identity <workflow identity> --issuer <issuer> --trusted-root <trusted_root.json>';
    log(`  npx agentry verify ${shown}/${entry.tarball.file} ${trust}`);
  }
  return manifest;
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      out: { type: 'string' },
      'skip-build': { type: 'boolean', default: false },
      'skip-lint': { type: 'boolean', default: false },
      signing: { type: 'string', default: 'auto' },
      'key-dir': { type: 'string' },
    },
  });
  if (!['auto', 'key', 'keyless'].includes(values.signing)) throw new Error('--signing must be auto, key or keyless');
  releaseDry({
    ...(values.out === undefined ? {} : { outDir: values.out }),
    skipBuild: values['skip-build'],
    skipLint: values['skip-lint'],
    signing: values.signing as RequestedSigningMode,
    ...(values['key-dir'] === undefined ? {} : { key: { dir: resolve(values['key-dir']) } }),
  }).catch((error: unknown) => {
    console.error(`release:dry failed: ${(error as Error).message}`);
    process.exitCode = 1;
  });
}
