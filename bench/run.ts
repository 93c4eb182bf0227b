// `npm run bench`: runs every benchmark, prints the figures and writes docs/benchmarks.md.
// Figures are ratios against a peer measured in the same run; absolute times vary by machine.
import { writeFileSync } from 'node:fs';
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

const benches: Record<string, () => Promise<BenchSection[]>> = {
  client: () => runClientOverheadBench(options),
  server: () => runServerThroughputBench(quick ? { rounds: 3, roundMs: 500 } : { rounds: 5, roundMs: 2_000 }),
  pipeline: () => runPipelineOverheadBench(options),
  cache: () => runCacheHitBench(options),
};
for (const name of only ?? []) {
  if (!(name in benches)) throw new Error(`bench: unknown benchmark "${name}"; known: ${Object.keys(benches).join(', ')}`);
}
const sections: BenchSection[] = [];
for (const [name, run] of Object.entries(benches)) if (only === undefined || only.has(name)) sections.push(...(await run()));

const date = new Date().toISOString().slice(0, 10);
const markdown = [
  '# Benchmarks',
  '',
  `Command: \`npm run bench\` (${options.iterations} interleaved iterations after ${options.warmup} warm-up calls per case).`,
  `Run on ${date}, Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim()}).`,
  '',
  'Every figure is measured in the same run as its peer; the ratios are what we track, since absolute',
  'times vary by machine. Server and client run in separate processes on 127.0.0.1 with keep-alive',
  'connections; cases run interleaved call by call. Method: bench/lib/measure.ts.',
  '',
  ...sections.flatMap((section) => [`## ${section.title}`, '', section.body, '', ...section.verdicts.map((line) => `- ${line}`), '']),
].join('\n');

console.log(markdown);
if (!quick && only === undefined) writeFileSync(new URL('../docs/benchmarks.md', import.meta.url), markdown);
