import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compatGenerateCommand, compatPaths, loadCompatMatrix, renderCompatibilityDoc, validateCompatMatrix } from '../../scripts/release/compat-matrix';
import { listPublishedPackages, readJson, repoRoot, type PackageJson } from '../../scripts/release/workspace-packages';
import { resolveServerOptions } from '../../packages/sdk/src/server/server-options';

const matrix = loadCompatMatrix();
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

function versionBelow(version: string): string {
  const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
  if (patch > 0) return `${major}.${minor}.${patch - 1}`;
  if (minor > 0) return `${major}.${minor - 1}.99`;
  return `${major - 1}.99.99`;
}

describe('compat-matrix.json', () => {
  it('matches its JSON Schema, which refuses a malformed matrix', () => {
    expect(validateCompatMatrix(JSON.parse(read(compatPaths.matrix)))).toEqual([]);
    const broken = { ...matrix, node: { ...matrix.node, minimum: '22' }, extra: true };
    const errors = validateCompatMatrix(broken);
    expect(errors.join('\n')).toMatch(/\/node\/minimum must match pattern/);
    expect(errors.join('\n')).toMatch(/must NOT have additional properties/);
  });

  it(`is what docs/compatibility.md shows (run \`${compatGenerateCommand}\` to update)`, () => {
    expect(read(compatPaths.doc)).toBe(renderCompatibilityDoc(matrix));
  });
});

describe('the repository holds to compat-matrix.json', () => {
  it('every published package and the root declare engines.node ">=" the minimum', () => {
    const expected = `>=${matrix.node.minimum}`;
    for (const pkg of listPublishedPackages()) expect(pkg.packageJson.engines?.node, pkg.name).toBe(expected);
    expect(readJson<PackageJson>(join(repoRoot, 'package.json')).engines?.node).toBe(expected);
  });

  it('the agentry bin accepts the minimum Node and refuses the version just below it', () => {
    const { unsupportedNodeMessage } = createRequire(import.meta.url)('../../packages/sdk/bin/node-version.cjs') as { unsupportedNodeMessage(version: string): string | undefined };
    expect(unsupportedNodeMessage(matrix.node.minimum)).toBeUndefined();
    expect(unsupportedNodeMessage(versionBelow(matrix.node.minimum))).toContain(`>= ${matrix.node.minimum.split('.').slice(0, 2).join('.')}`);
  });

  it('develops on the development line: .nvmrc and the node devDependency', () => {
    expect(read('.nvmrc').trim()).toBe(matrix.node.development);
    const devNode = readJson<PackageJson>(join(repoRoot, 'package.json')).devDependencies?.node ?? '';
    expect(devNode.replace(/^[\^~]/, '').split('.')[0]).toBe(matrix.node.development);
  });

  it('CI runs .ci/run (npm install && npm test) on exactly the supported Node lines', () => {
    expect(read('.ci/run')).toMatch(/^npm install && npm test$/m);
    const workflow = parse(read('.github/workflows/ci.yml')) as { jobs: Record<string, { strategy?: { matrix?: { node?: string[] } }; steps: Array<{ run?: string; with?: Record<string, string> }> }> };
    const job = workflow.jobs.test!;
    expect(job.strategy?.matrix?.node).toEqual(matrix.node.supported);
    expect(job.steps.some((step) => step.run?.trim() === '.ci/run')).toBe(true);
    expect(job.steps.find((step) => step.with?.['node-version'] !== undefined)?.with?.['node-version']).toBe('${{ matrix.node }}');
  });

  it('builds with the TypeScript version it states', () => {
    const installed = (createRequire(import.meta.url)('typescript/package.json') as { version: string }).version;
    expect(installed.split('.').slice(0, 2).join('.')).toBe(matrix.typescript.build);
  });

  it('states the MCP protocol revisions the MCP bridge advertises', async () => {
    const bridge = join(repoRoot, 'packages/sdk/src/transports/mcp/mcp-protocol-versions.ts');
    if (!existsSync(bridge)) {
      expect(matrix.mcp.protocolVersions).toEqual([]);
      return;
    }
    const { mcpProtocolVersions } = (await import(pathToFileURL(bridge).href)) as { mcpProtocolVersions: readonly string[] };
    expect(matrix.mcp.protocolVersions).toEqual([...mcpProtocolVersions]);
  });

  it('states the server defaults as its limits, and null only for limits the server does not enforce', () => {
    const resolved = resolveServerOptions({ packs: [], apiKeys: {} }) as unknown as Record<string, unknown>;
    const serverField: Record<keyof typeof matrix.limits, string> = {
      maxBodyBytes: 'maxBodyBytes',
      maxStreamDurationMs: 'maxStreamDurationMs',
      maxConcurrentStreamsPerProcess: 'maxConcurrentStreams',
      streamReplayWindowMs: 'replayWindowMs',
      maxEventsPerStream: 'maxEventsPerStream',
    };
    for (const [limit, field] of Object.entries(serverField) as Array<[keyof typeof matrix.limits, string]>) {
      expect(resolved[field], `compat-matrix limits.${limit} vs the server's resolved ${field}`).toBe(matrix.limits[limit] ?? undefined);
    }
  });

  it('tests Redis stores against a Redis the matrix supports', (context) => {
    let output: string;
    try {
      output = execFileSync('redis-server', ['--version'], { encoding: 'utf8' });
    } catch {
      context.skip('redis-server is not installed here');
      return;
    }
    const [major, minor] = (/v=(\d+)\.(\d+)/.exec(output) ?? []).slice(1).map(Number) as [number, number];
    const [minMajor, minMinor] = matrix.stores.redis.minimum.split('.').map(Number) as [number, number];
    expect(major > minMajor || (major === minMajor && minor >= minMinor), `redis-server ${major}.${minor} is below ${matrix.stores.redis.minimum}`).toBe(true);
  });
});
