import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { releaseScripts } from '../../scripts/release/npm-scripts';
import { readJson, repoRoot, type PackageJson } from '../../scripts/release/workspace-packages';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Workflow {
  on: unknown;
  permissions?: Record<string, string>;
  jobs: Record<string, { permissions?: Record<string, string>; steps: Step[] }>;
}

const workflow = (name: string) => parse(readFileSync(join(repoRoot, '.github/workflows', name), 'utf8')) as Workflow;
const scripts = readJson<PackageJson>(join(repoRoot, 'package.json')).scripts ?? {};

/** `npm run <name>` references in a command line. */
function npmRuns(command: string): string[] {
  return [...command.matchAll(/npm run ([\w:.-]+)/g)].map((match) => match[1]!);
}

describe('the release tooling scripts', () => {
  it('are in the root package.json exactly as scripts/release/npm-scripts.ts states them', () => {
    const missing = Object.entries(releaseScripts).filter(([name, command]) => scripts[name] !== command);
    expect(missing.map(([name, command]) => `"${name}": "${command}"`), 'add these lines to the "scripts" of the root package.json').toEqual([]);
  });

  it('run files that exist', () => {
    for (const command of Object.values(releaseScripts)) {
      for (const [, path] of command.matchAll(/tsx (\S+\.ts)/g)) expect(existsSync(join(repoRoot, path!)), path).toBe(true);
    }
  });
});

describe('.github/workflows/release.yml', () => {
  const release = workflow('release.yml');
  const job = release.jobs.release!;
  const steps = job.steps;

  it('parses, and every npm script it runs exists in package.json', () => {
    const commands = steps.flatMap((step) => [step.run ?? '', String(step.with?.version ?? ''), String(step.with?.publish ?? '')]);
    const used = commands.flatMap(npmRuns);
    expect(used).toEqual(expect.arrayContaining(['release:version', 'release:publish', 'changeset:check', 'evidence']));
    for (const name of used) expect(scripts[name], `release.yml runs \`npm run ${name}\`, which package.json does not define`).toBeDefined();
  });

  it('versions and publishes through changesets/action with provenance rights and full history', () => {
    const changesets = steps.find((step) => step.uses?.startsWith('changesets/action@'));
    expect(changesets?.with).toMatchObject({ version: 'npm run release:version', publish: 'npm run release:publish', createGithubReleases: true });
    expect(job.permissions).toMatchObject({ 'id-token': 'write', contents: 'write', 'pull-requests': 'write' });
    expect(steps.find((step) => step.uses?.startsWith('actions/checkout@'))?.with?.['fetch-depth']).toBe(0);
    expect(steps.find((step) => step.uses?.startsWith('actions/setup-node@'))?.with?.['registry-url']).toBe('https://registry.npmjs.org');
  });

  it('attaches the SBOMs, bundles and manifest that release:dry writes to the GitHub releases', () => {
    const attach = steps.find((step) => step.run?.includes('gh release upload'));
    expect(attach?.if).toBe("steps.changesets.outputs.published == 'true'");
    for (const suffix of ['.cdx.json', '.sigstore.json', '.tgz', 'manifest.json', 'SHA256SUMS']) expect(attach?.run).toContain(suffix);
  });
});

describe('.github/workflows/ci.yml', () => {
  it('parses and runs the README command on every matrix line, with the full history', () => {
    const ci = workflow('ci.yml');
    const steps = ci.jobs.test!.steps;
    expect(steps.some((step) => step.run?.trim() === '.ci/run')).toBe(true);
    expect(readFileSync(join(repoRoot, '.ci/run'), 'utf8')).toContain('npm install && npm test');
    expect(steps.find((step) => step.uses?.startsWith('actions/checkout@'))?.with?.['fetch-depth']).toBe(0);
    expect(ci.permissions).toEqual({ contents: 'read' });
  });
});
