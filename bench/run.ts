// `npm run bench`: runs every benchmark, prints the figures and writes docs/benchmarks.md.
// Figures are ratios against a peer measured in the same run; absolute times vary by machine.
// Runs under plain node (type stripping, see bench/start.mjs) on the built packages, as users
// run them: a loader that transpiles on the fly (tsx) would wrap every closure of the SDK and of
// its peers in helpers the published build has not, and charge their cost to the figures.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { ensureBuilt } from './lib/built-sdk.ts';
import type { BenchSection } from './lib/measure.ts';

const quick = process.argv.includes('--quick');
const options = quick ? { iterations: 300, warmup: 100 } : { iterations: 3_000, warmup: 500 };
// `--only client,cache` runs some benchmarks; docs/benchmarks.md is written only by a whole run.
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt === -1 ? undefined : new Set(process.argv[onlyAt + 1]?.split(','));

const sectionMarker = '@@agentry-bench-sections ';

// Loaded in the section's own process only, once the packages they import are built.
const benches: Record<string, () => Promise<BenchSection[]>> = {
  client: async () => (await import('./client-overhead.bench.ts')).runClientOverheadBench(options),
  server: async () => (await import('./server-throughput.bench.ts')).runServerThroughputBench(quick ? { rounds: 3, roundMs: 500 } : { rounds: 5, roundMs: 2_000 }),
  pipeline: async () => (await import('./pipeline-overhead.bench.ts')).runPipelineOverheadBench(options),
  cache: async () => (await import('./cache-hit.bench.ts')).runCacheHitBench(options),
};
for (const name of only ?? []) {
  if (!(name in benches)) throw new Error(`bench: unknown benchmark "${name}"; known: ${Object.keys(benches).join(', ')}`);
}
// Each benchmark runs in a fresh process (`--section <name>` prints its sections as JSON): the
// heap, the garbage and the JIT's type feedback one leaves behind would otherwise weigh on the
// next, and on its sub-microsecond cases more than on their peers.
const sectionAt = process.argv.indexOf('--section');
if (sectionAt !== -1) {
  const name = process.argv[sectionAt + 1]!;
  const run = benches[name];
  if (run === undefined) throw new Error(`bench: unknown benchmark "${name}"`);
  process.stdout.write(`${sectionMarker}${JSON.stringify(await run())}\n`);
  process.exit(0);
}

ensureBuilt();
const sections: BenchSection[] = [];
for (const name of Object.keys(benches)) if (only === undefined || only.has(name)) sections.push(...runInFreshProcess(name));

function runInFreshProcess(name: string): BenchSection[] {
  const flags = quick ? ['--quick'] : [];
  const output = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--section', name, ...flags], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = output.split('\n').find((text) => text.startsWith(sectionMarker));
  if (line === undefined) throw new Error(`bench: the "${name}" benchmark printed no figures`);
  return JSON.parse(line.slice(sectionMarker.length)) as BenchSection[];
}

const date = new Date().toISOString().slice(0, 10);
const markdown = [
  '# Benchmarks',
  '',
  `Command: \`npm run bench\` (${options.iterations} interleaved iterations after ${options.warmup} warm-up calls per case).`,
  `Run on ${date}, Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim()}).`,
  '',
  'Every figure is measured in the same run as its peer; the ratios are what we track, since absolute',
  'times vary by machine. Server and client run in separate processes on 127.0.0.1 with keep-alive',
  'connections; cases run interleaved call by call; each benchmark runs in a fresh process under plain',
  `node${process.features.typescript ? '' : ' (through tsx: this Node cannot strip types, so every figure carries its transpiling)'} on the built packages. Method:`,
  'bench/lib/measure.ts and bench/run.ts.',
  '',
  ...sections.flatMap((section) => [`## ${section.title}`, '', section.body, '', ...section.verdicts.map((line) => `- ${line}`), '']),
].join('\n');

console.log(markdown);
if (!quick && only === undefined) writeFileSync(new URL('../docs/benchmarks.md', import.meta.url), markdown);
