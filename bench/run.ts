// `npm run bench`: runs every benchmark, prints the figures and writes docs/benchmarks.md.
// Figures are ratios against a peer measured in the same run; absolute times vary by machine.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { runClientOverheadBench } from './client-overhead.bench';
import { runServerThroughputBench } from './server-throughput.bench';
import { runPipelineOverheadBench } from './pipeline-overhead.bench';
import { runCacheHitBench } from './cache-hit.bench';
import type { BenchSection } from './lib/measure';

const quick = process.argv.includes('--quick');
const options = quick ? { iterations: 300, warmup: 100 } : { iterations: 3_000, warmup: 500 };
// `--only client,cache` runs some benchmarks; docs/benchmarks.md is written only by a whole run.
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt === -1 ? undefined : new Set(process.argv[onlyAt + 1]?.split(','));

const sectionMarker = '@@agentry-bench-sections ';

const benches: Record<string, () => Promise<BenchSection[]>> = {
  client: () => runClientOverheadBench(options),
  server: () => runServerThroughputBench(quick ? { rounds: 3, roundMs: 500 } : { rounds: 5, roundMs: 2_000 }),
  pipeline: () => runPipelineOverheadBench(options),
  cache: () => runCacheHitBench(options),
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
  'connections; cases run interleaved call by call; each benchmark runs in a fresh process. Method:',
  'bench/lib/measure.ts and bench/run.ts.',
  '',
  ...sections.flatMap((section) => [`## ${section.title}`, '', section.body, '', ...section.verdicts.map((line) => `- ${line}`), '']),
].join('\n');

console.log(markdown);
if (!quick && only === undefined) writeFileSync(new URL('../docs/benchmarks.md', import.meta.url), markdown);
