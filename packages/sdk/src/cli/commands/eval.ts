import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AgentryError } from '../../contract';
import { createModelFromSpec } from '../../providers';
import { createRuntime } from '../../runtime';
import { baselineFromReport, compareWithBaseline, parseEvalBaseline, type EvalComparison } from '../../middleware/eval/eval-baseline';
import { parseEvalDataset } from '../../middleware/eval/eval-dataset';
import { runEvalDataset, type EvalReport } from '../../middleware/eval/run-eval-dataset';
import { formatCliError } from '../format-error';
import type { CommandIo } from '../io';
import { loadPacks } from '../load-packs';

export const evalUsage = `Usage: agentry eval <dataset.jsonl> --agent <id> [--version V] [--repeats N] [--packs ./a.js,./b.js]
                    [--baseline FILE] [--write-baseline] [--tolerance 0] [--min-pass-rate R]
                    [--concurrency 4] [--model provider:model] [--json]

Runs every case of a JSON Lines dataset against an agent hosted in-process, N times each, and
reports the pass rate, pass^N (cases that passed on every repeat) and pass@N.
Each line: {"id"?, "input", "expected"?, "evaluators"?: [{"type": "contains", "value": "..."}, ...]}
Evaluator types: contains, regex, json-field, expected, latency-slo, cost-slo, pii-leak, llm-judge.

  --packs           modules exporting task packs (default: @agentry/task-packs, or agentry.config.mjs)
  --model           the model packs and llm-judge use: openai:<model>, anthropic:<model>,
                    openai-compatible:<model> (with OPENAI_BASE_URL) or local (default: the
                    deterministic local model, so a run is reproducible unless you ask otherwise);
                    keys from OPENAI_API_KEY / ANTHROPIC_API_KEY, costs from the price table
  --baseline        compare with this saved result; per-case diffs are printed
  --write-baseline  save this run as the baseline (to --baseline)
  --tolerance       pass-rate drop (0 to 1) still not counted as a regression (default 0)
  --min-pass-rate   fail when the pass rate is below this (0 to 1)

Exit 0 when no regression, 1 on a regression or a pass rate under --min-pass-rate, 2 on bad input.
`;

/** `agentry eval`: offline evaluation of an agent over a dataset, with baselines for CI. Resolves with the exit code. */
export async function runEvalCommand(argv: string[], io: Pick<CommandIo, 'stdout' | 'stderr'> & Partial<Pick<CommandIo, 'env'>>): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      agent: { type: 'string' },
      version: { type: 'string' },
      repeats: { type: 'string', default: '1' },
      packs: { type: 'string' },
      baseline: { type: 'string' },
      'write-baseline': { type: 'boolean', default: false },
      tolerance: { type: 'string', default: '0' },
      'min-pass-rate': { type: 'string' },
      concurrency: { type: 'string', default: '4' },
      model: { type: 'string', default: 'local' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(evalUsage);
    return 0;
  }
  const usageError = (message: string): number => {
    io.stderr.write(`agentry eval: ${message}\n\n${evalUsage}`);
    return 2;
  };
  const [datasetPath, ...extra] = positionals;
  if (datasetPath === undefined) return usageError('name the dataset file');
  if (extra.length > 0) return usageError(`unexpected argument "${extra[0]}"`);
  if (values.agent === undefined) return usageError('--agent is required');
  const repeats = Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1) return usageError(`--repeats must be a whole number >= 1, got "${values.repeats}"`);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) return usageError(`--concurrency must be a whole number >= 1, got "${values.concurrency}"`);
  const tolerance = Number(values.tolerance);
  if (!(tolerance >= 0 && tolerance <= 1)) return usageError(`--tolerance must be between 0 and 1, got "${values.tolerance}"`);
  const minPassRate = values['min-pass-rate'] === undefined ? undefined : Number(values['min-pass-rate']);
  if (minPassRate !== undefined && !(minPassRate >= 0 && minPassRate <= 1)) return usageError(`--min-pass-rate must be between 0 and 1, got "${values['min-pass-rate']}"`);
  if (values['write-baseline'] && values.baseline === undefined) return usageError('--write-baseline needs --baseline <file> to write to');

  let runtime: ReturnType<typeof createRuntime> | undefined;
  try {
    const cases = parseEvalDataset(await readText(datasetPath, 'dataset'), datasetPath);
    const baseline =
      values.baseline !== undefined && existsSync(values.baseline) ? parseEvalBaseline(await readText(values.baseline, 'baseline'), values.baseline) : undefined;
    if (values.baseline !== undefined && baseline === undefined && !values['write-baseline']) {
      io.stderr.write(`agentry eval: baseline ${values.baseline} does not exist\n  hint: create it with --write-baseline\n`);
      return 2;
    }
    const packs = await loadPacks(values.packs?.split(',').filter(Boolean), process.cwd());
    const agent = values.agent;
    if (!packs.some((pack) => pack.id === agent && (values.version === undefined || pack.version === values.version))) {
      io.stderr.write(
        `agentry eval: agent ${agent}${values.version ? `@${values.version}` : ''} is not in the loaded packs (${packs.map((pack) => `${pack.id}@${pack.version}`).join(', ')})\n`,
      );
      return 2;
    }
    // A baseline of another agent, or of another N, is not a yardstick for this run (pass^N
    // falls as N grows): say so instead of reporting a regression or an improvement.
    if (baseline !== undefined && !values['write-baseline']) {
      if (baseline.agent !== agent) {
        io.stderr.write(`agentry eval: baseline ${values.baseline} is for agent ${baseline.agent}, not ${agent}\n  hint: pass the baseline of ${agent}, or write one with --write-baseline\n`);
        return 2;
      }
      if (baseline.repeats !== repeats) {
        io.stderr.write(`agentry eval: baseline ${values.baseline} was run with --repeats ${baseline.repeats}, this run with ${repeats}\n  hint: pass --repeats ${baseline.repeats}, or write a new baseline with --write-baseline\n`);
        return 2;
      }
    }
    const model = createModelFromSpec(values.model, { env: io.env ?? process.env });
    runtime = createRuntime({ packs, model });
    const host = runtime;
    const report = await runEvalDataset({
      agent,
      cases,
      repeats,
      concurrency,
      model,
      invoke: (input) => host.invoke({ agent, input, tenant: 'eval', ...(values.version === undefined ? {} : { version: values.version }) }),
    });
    const comparison = baseline === undefined ? undefined : compareWithBaseline(report, baseline, { tolerance });
    if (values.json) io.stdout.write(`${JSON.stringify({ dataset: datasetPath, report, ...(comparison === undefined ? {} : { comparison }) }, null, 2)}\n`);
    else io.stdout.write(formatEvalReport(report, datasetPath, comparison, values.baseline));
    if (values['write-baseline']) {
      await writeFile(values.baseline!, `${JSON.stringify(baselineFromReport(report), null, 2)}\n`, 'utf8');
      io.stderr.write(`agentry eval: wrote baseline ${values.baseline}\n`);
    }
    const regressed = comparison?.regressed === true && !values['write-baseline'];
    const belowMinimum = minPassRate !== undefined && report.passRate < minPassRate;
    if (belowMinimum) io.stderr.write(`agentry eval: pass rate ${percent(report.passRate)} is below --min-pass-rate ${percent(minPassRate)}\n`);
    return regressed || belowMinimum ? 1 : 0;
  } catch (error) {
    io.stderr.write(formatCliError(error));
    return 2;
  } finally {
    await runtime?.drain({ timeoutMs: 1_000 });
  }
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new AgentryError('AGENTRY_INVALID_REQUEST', `cannot read the ${what} ${path}: ${(error as Error).message}`, {
      cause: error,
      hint: 'Check the path; it is relative to the working directory.',
    });
  }
}

/** The human-readable report: one line per case, the rates, then the diff against the baseline. */
export function formatEvalReport(report: EvalReport, dataset: string, comparison?: EvalComparison, baselinePath?: string): string {
  const lines: string[] = [];
  const label = `${report.agent}${report.version === null ? '' : `@${report.version}`}`;
  lines.push(`agentry eval: ${label} on ${dataset}, ${report.cases.length} case${report.cases.length === 1 ? '' : 's'} x ${report.repeats} repeat${report.repeats === 1 ? '' : 's'}`, '');
  const idWidth = Math.max(4, ...report.cases.map((evalCase) => evalCase.id.length));
  lines.push(`${'CASE'.padEnd(idWidth)}  ${'PASS'.padStart(7)}  SCORES`);
  for (const evalCase of report.cases) {
    const scores = Object.entries(evalCase.scores).map(([name, score]) => `${name} ${score.toFixed(2)}`).join(', ') || '-';
    lines.push(`${evalCase.id.padEnd(idWidth)}  ${`${evalCase.passes}/${evalCase.runs}`.padStart(7)}  ${scores}`);
    for (const failure of evalCase.failures.slice(0, 3)) lines.push(`${' '.repeat(idWidth + 11)}x ${truncate(failure, 120)}`);
  }
  const passAllCount = report.cases.filter((evalCase) => evalCase.passAll).length;
  const passAnyCount = report.cases.filter((evalCase) => evalCase.passes > 0).length;
  lines.push(
    '',
    `pass rate ${percent(report.passRate)} (${report.passes}/${report.runs})   pass^${report.repeats} ${percent(report.passAllRate)} (${passAllCount}/${report.cases.length})   pass@${report.repeats} ${percent(report.passAnyRate)} (${passAnyCount}/${report.cases.length})`,
  );
  const stats = report.evalStats;
  lines.push(`evaluators: ${stats.evaluated} run, ${stats.passed} passed, ${stats.failed} failed, ${stats.errored} errored, ${stats.timedOut} timed out`);
  if (comparison !== undefined) {
    lines.push(
      '',
      `against ${baselinePath ?? 'the baseline'} (pass rate ${percent(comparison.passRateBefore)} -> ${percent(comparison.passRateAfter)}, pass^N ${percent(comparison.passAllRateBefore)} -> ${percent(comparison.passAllRateAfter)}): ${comparison.regressions} regression${comparison.regressions === 1 ? '' : 's'}, ${comparison.improvements} improvement${comparison.improvements === 1 ? '' : 's'}`,
    );
    for (const diff of comparison.cases) {
      if (diff.status === 'unchanged' && diff.scoreChanges.length === 0 && !diff.outputChanged) continue;
      const counts = `${diff.before ? `${diff.before.passes}/${diff.before.runs}` : '-'} -> ${diff.after ? `${diff.after.passes}/${diff.after.runs}` : '-'}`;
      const scores = diff.scoreChanges.map((change) => `${change.name} ${fixed(change.before)} -> ${fixed(change.after)}`).join(', ');
      lines.push(`  ${diff.id.padEnd(idWidth)}  ${diff.status.padEnd(9)}  ${counts}${scores ? `   ${scores}` : ''}`);
      if (diff.outputChanged) lines.push(`  ${' '.repeat(idWidth)}  output: ${truncate(diff.outputBefore ?? '-', 70)} -> ${truncate(diff.outputAfter ?? '-', 70)}`);
    }
    if (comparison.regressed) lines.push('', 'REGRESSION');
  }
  return `${lines.join('\n')}\n`;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function fixed(value: number | undefined): string {
  return value === undefined ? '-' : value.toFixed(2);
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
