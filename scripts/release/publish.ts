// `npm run release:publish` (CI only, from .github/workflows/release.yml through changesets/action):
// runs the release build (keyless-signed there), then publishes exactly the tarballs that were
// signed, with npm provenance through trusted publishing, tags each release and prints the
// `New tag:` lines changesets/action reads to create GitHub releases.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isMain } from './is-main';
import { releaseDry, type ReleaseManifest } from './release-dry';
import { runCommand, runChecked } from './run-command';
import { repoRoot } from './workspace-packages';

/** Options of {@link publishRelease}. */
export interface PublishOptions {
  outDir?: string;
  /** Print what would run, publish nothing. @default false */
  dryRun?: boolean;
  root?: string;
  log?: (line: string) => void;
}

async function isPublished(name: string, version: string, root: string): Promise<boolean> {
  const result = await runCommand('npm', ['view', `${name}@${version}`, 'version', '--json'], { cwd: root });
  return result.code === 0 && result.stdout.trim() !== '';
}

/** Publishes every package of the release whose version is not on the registry yet. */
export async function publishRelease(options: PublishOptions = {}): Promise<ReleaseManifest> {
  const root = options.root ?? repoRoot;
  const log = options.log ?? ((line: string) => console.log(line));
  const outDir = resolve(root, options.outDir ?? '.release');
  // In CI the OIDC token makes this keyless (Fulcio + Rekor); refuse a keyed release there.
  const manifest = await releaseDry({ root, outDir, signing: process.env.CI === 'true' ? 'keyless' : 'auto', log });
  for (const pkg of manifest.packages) {
    if (await isPublished(pkg.name, pkg.version, root)) {
      log(`skip: ${pkg.name}@${pkg.version} is already on the registry`);
      continue;
    }
    // The signed tarball itself is published, so the registry's integrity (sha512) equals the
    // digest in the Sigstore statement. Trusted publishing: npm exchanges the workflow's OIDC
    // token itself (no NPM_TOKEN) and attaches its own provenance attestation.
    const args = ['publish', join(outDir, pkg.tarball.file), '--provenance', '--access', 'public'];
    if (options.dryRun) {
      log(`would run: npm ${args.join(' ')}`);
      continue;
    }
    await runChecked('npm', args, { cwd: root });
    const tag = `${pkg.name}@${pkg.version}`;
    // Lightweight, like `changeset publish`: no committer identity needed on the runner.
    await runChecked('git', ['tag', tag], { cwd: root });
    // changesets/action parses this line (publishedPackages output, GitHub releases) and pushes the tags.
    log(`🦋  New tag:  ${tag}`);
  }
  return manifest;
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { 'dry-run': { type: 'boolean', default: false }, out: { type: 'string' } } });
  publishRelease({ dryRun: values['dry-run'], ...(values.out === undefined ? {} : { outDir: values.out }) }).catch((error: unknown) => {
    console.error(`release:publish failed: ${(error as Error).message}`);
    process.exitCode = 1;
  });
}
