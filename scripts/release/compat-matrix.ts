// compat-matrix.json: load it, validate it against compat-matrix.schema.json, and render
// docs/compatibility.md from it. `npm run compat:generate` writes the page; a test keeps it equal.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { isMain } from './is-main';
import { repoRoot } from './workspace-packages';

/** compat-matrix.json, as its schema describes it. */
export interface CompatMatrix {
  node: { supported: string[]; minimum: string; development: string };
  typescript: { consumers: string[]; moduleResolution: string[]; build: string };
  moduleFormats: Array<'esm' | 'cjs'>;
  mcp: { protocolVersions: string[] };
  stores: { memory: { default: boolean }; redis: { minimum: string; tested: string[] } };
  limits: {
    maxBodyBytes: number;
    maxStreamDurationMs: number | null;
    maxConcurrentStreamsPerProcess: number | null;
    streamReplayWindowMs: number;
    maxEventsPerStream: number;
  };
}

/** Paths relative to the repository root. */
export const compatPaths = {
  matrix: 'compat-matrix.json',
  schema: 'compat-matrix.schema.json',
  doc: 'docs/compatibility.md',
} as const;

/** The command that regenerates docs/compatibility.md. */
export const compatGenerateCommand = 'npm run compat:generate';

/** Schema errors of a matrix, one line each; empty when valid. */
export function validateCompatMatrix(matrix: unknown, root: string = repoRoot): string[] {
  const schema = JSON.parse(readFileSync(join(root, compatPaths.schema), 'utf8')) as object;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const validate = ajv.compile(schema);
  if (validate(matrix)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
}

/** Reads and validates compat-matrix.json. */
export function loadCompatMatrix(root: string = repoRoot): CompatMatrix {
  const matrix = JSON.parse(readFileSync(join(root, compatPaths.matrix), 'utf8')) as unknown;
  const errors = validateCompatMatrix(matrix, root);
  if (errors.length > 0) throw new Error(`${compatPaths.matrix} does not match ${compatPaths.schema}:\n  ${errors.join('\n  ')}`);
  return matrix as CompatMatrix;
}

function limit(value: number | null, unit: (value: number) => string): string {
  return value === null ? 'not enforced by the server: set it at the proxy or load balancer' : unit(value);
}

const bytes = (value: number) => (value % 1_048_576 === 0 ? `${value} bytes (${value / 1_048_576} MiB)` : `${value} bytes`);
const milliseconds = (value: number) => (value % 1000 === 0 ? `${value} ms (${value / 1000} s)` : `${value} ms`);
const count = (value: number) => String(value);

/** Renders docs/compatibility.md. */
export function renderCompatibilityDoc(matrix: CompatMatrix): string {
  const { node, typescript, mcp, stores, limits } = matrix;
  return [
    '# Compatibility',
    '',
    `<!-- Generated from ${compatPaths.matrix} by \`${compatGenerateCommand}\`. Do not edit by hand. -->`,
    '',
    `What Agentry supports, from [\`${compatPaths.matrix}\`](../${compatPaths.matrix}) (schema:`,
    `[\`${compatPaths.schema}\`](../${compatPaths.schema})). Tests in \`test/release/compat-matrix.test.ts\` hold`,
    'the package `engines`, CI, `.nvmrc`, the MCP bridge, the server defaults and this page to it, so a',
    'change of support is a change of that file, reviewed like code.',
    '',
    '## Node.js',
    '',
    '| | |',
    '| --- | --- |',
    `| supported lines | ${node.supported.map((line) => `${line}.x`).join(', ')} (CI runs the suite on each) |`,
    `| minimum | ${node.minimum} (\`engines.node\` is \`>=${node.minimum}\`; the \`agentry\` bin refuses older versions with one line) |`,
    `| development | ${node.development} (\`.nvmrc\`; npm scripts run with the \`node\` devDependency) |`,
    '',
    'The repository pins Node through the `node` devDependency, so `npm test` runs on that Node even',
    'when the machine has another. CI therefore also smoke-tests the built packages with the runner\'s',
    'own Node on each supported line (`.github/workflows/ci.yml`).',
    '',
    '## TypeScript (consumers)',
    '',
    '| | |',
    '| --- | --- |',
    `| compiler versions | ${typescript.consumers.join(', ')} (a test type-checks an ESM and a CJS consumer of every entry point with each) |`,
    `| \`moduleResolution\` | ${typescript.moduleResolution.map((mode) => `\`${mode}\``).join(', ')} (\`node10\`, deprecated in TypeScript 6, is not supported) |`,
    `| module formats | ${matrix.moduleFormats.map((format) => format.toUpperCase()).join(' and ')}, each entry with its own declarations (\`.d.ts\` / \`.d.cts\`) |`,
    `| Agentry builds with | TypeScript ${typescript.build} |`,
    '',
    '## MCP protocol revisions',
    '',
    mcp.protocolVersions.length === 0
      ? 'None: the MCP bridge is not part of this release.'
      : `The MCP bridge (\`@agentry/sdk/mcp\`) advertises and negotiates, newest first: ${mcp.protocolVersions.map((version) => `\`${version}\``).join(', ')}.`,
    '',
    '## Stores',
    '',
    '| backend | support |',
    '| --- | --- |',
    `| memory | ${stores.memory.default ? 'the embedded default; no service needed' : 'available'} |`,
    `| Redis | ${stores.redis.minimum} or later; the store suites run against a real redis-server (tested: ${stores.redis.tested.join(', ')}) |`,
    '',
    '## Server limits (defaults of `createServer`)',
    '',
    '| limit | default |',
    '| --- | --- |',
    `| request body | ${limit(limits.maxBodyBytes, bytes)} (\`limits.maxBodyBytes\`; 413 above) |`,
    `| stream duration | ${limit(limits.maxStreamDurationMs, milliseconds)} |`,
    `| concurrent streams per process | ${limit(limits.maxConcurrentStreamsPerProcess, count)} |`,
    `| stream replay window | ${limit(limits.streamReplayWindowMs, milliseconds)} (\`streams.replayWindowMs\`) |`,
    `| events kept per stream | ${limit(limits.maxEventsPerStream, count)} (\`streams.maxEventsPerStream\`) |`,
    '',
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const doc = renderCompatibilityDoc(loadCompatMatrix());
  if (process.argv.includes('--check')) {
    const current = readFileSync(join(repoRoot, compatPaths.doc), 'utf8');
    if (current !== doc) {
      console.error(`${compatPaths.doc} is out of date; run \`${compatGenerateCommand}\`.`);
      process.exitCode = 1;
    }
  } else {
    writeFileSync(join(repoRoot, compatPaths.doc), doc);
    console.log(`wrote ${compatPaths.doc}`);
  }
}
