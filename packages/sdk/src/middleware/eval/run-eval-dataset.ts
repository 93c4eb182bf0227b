import { toAgentryError, type EvalScore, type InvokeResult, type ModelProvider } from '../../contract';
import type { Invocation } from '../../core/invocation';
import type { EvalCase } from './eval-dataset';
import { normalizeEvaluator, type Evaluator, type EvaluatorLike } from './evaluator';
import { evaluatorFromSpec } from './evaluator-spec';
import { expectedOutputEvaluator } from './evaluators/expected-output-evaluator';
import { createEvalStats, runEvaluators, type EvalStats } from './run-evaluators';

/** Options of {@link runEvalDataset}. */
export interface RunEvalDatasetOptions {
  /** The agent under evaluation (id, for reports and evaluator contexts). */
  agent: string;
  cases: readonly EvalCase[];
  /** Calls the agent once with a case's input. */
  invoke: (input: unknown) => Promise<InvokeResult>;
  /** Runs of each case; pass^N needs every one to pass. @default 1 */
  repeats?: number;
  /** Runs in flight at once. @default 4 */
  concurrency?: number;
  /** Evaluators applied to every case, after the case's own. @default none */
  evaluators?: readonly EvaluatorLike[];
  /** The model `llm-judge` specs judge with. */
  model?: ModelProvider;
  /** Deadline of one evaluation in ms. @default 30000 */
  timeoutMs?: number;
  /** Tenant recorded in evaluator contexts. @default 'eval' */
  tenant?: string;
}

/** One run of one case. */
export interface EvalRun {
  pass: boolean;
  scores: EvalScore[];
  output?: unknown;
  /** Catalogue code when the call itself failed. */
  errorCode?: string;
  errorMessage?: string;
}

/** How one case did over its repeats. */
export interface EvalCaseReport {
  id: string;
  runs: number;
  passes: number;
  passRate: number;
  /** Every run passed (the case's contribution to pass^N). */
  passAll: boolean;
  /** Mean score per evaluator over the runs. */
  scores: Record<string, number>;
  /** Distinct reasons of failed runs: failed evaluators and call errors. */
  failures: string[];
  /** Output of the first successful run. */
  output?: unknown;
}

/** The outcome of an evaluation run. */
export interface EvalReport {
  agent: string;
  /** Version of the agent that answered, or null when no call succeeded. */
  version: string | null;
  repeats: number;
  runs: number;
  passes: number;
  /** passes / runs. */
  passRate: number;
  /** pass^N: the share of cases that passed on every one of the N repeats. */
  passAllRate: number;
  /** pass@N: the share of cases that passed at least once. */
  passAnyRate: number;
  cases: EvalCaseReport[];
  /** Evaluator counts over the whole run. */
  evalStats: EvalStats;
}

/**
 * Runs a dataset against an agent, each case `repeats` times, scores every run with the case's
 * evaluators (its specs; else `expected` compared as a subset; plus the global ones) and reports
 * pass rate, pass^N consistency and pass@N. A run passes when the call succeeded and every score
 * passed; a failed call is a failed run, never an abort of the whole evaluation.
 *
 * @example
 * const report = await runEvalDataset({ agent: 'summarize', cases, repeats: 3, invoke: (input) => runtime.invoke({ agent: 'summarize', input, tenant: 'eval' }) });
 */
export async function runEvalDataset(options: RunEvalDatasetOptions): Promise<EvalReport> {
  const repeats = options.repeats ?? 1;
  const global = (options.evaluators ?? []).map(normalizeEvaluator);
  const stats = createEvalStats();
  const evaluatorsOf = new Map<string, Evaluator[]>(
    options.cases.map((evalCase) => {
      const own = evalCase.evaluators?.map((spec) => evaluatorFromSpec(spec, options.model === undefined ? {} : { model: options.model }));
      const fallback = evalCase.expected === undefined ? [] : [expectedOutputEvaluator()];
      return [evalCase.id, [...(own ?? fallback), ...global]];
    }),
  );
  const runs = new Map<string, EvalRun[]>(options.cases.map((evalCase) => [evalCase.id, []]));
  let version: string | null = null;

  const tasks = options.cases.flatMap((evalCase) => Array.from({ length: repeats }, () => evalCase));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const evalCase = tasks[next++]!;
      const run = await runCase(evalCase, evaluatorsOf.get(evalCase.id)!, options, stats, (answered) => (version ??= answered));
      runs.get(evalCase.id)!.push(run);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, tasks.length)) }, worker));

  const cases = options.cases.map((evalCase) => caseReport(evalCase.id, runs.get(evalCase.id)!));
  const total = cases.reduce((sum, report) => sum + report.runs, 0);
  const passes = cases.reduce((sum, report) => sum + report.passes, 0);
  return {
    agent: options.agent,
    version,
    repeats,
    runs: total,
    passes,
    passRate: total === 0 ? 0 : passes / total,
    passAllRate: cases.length === 0 ? 0 : cases.filter((report) => report.passAll).length / cases.length,
    passAnyRate: cases.length === 0 ? 0 : cases.filter((report) => report.passes > 0).length / cases.length,
    cases,
    evalStats: stats,
  };
}

async function runCase(
  evalCase: EvalCase,
  evaluators: readonly Evaluator[],
  options: RunEvalDatasetOptions,
  stats: EvalStats,
  answeredBy: (version: string) => void,
): Promise<EvalRun> {
  const startedAt = Date.now();
  let result: InvokeResult;
  try {
    result = await options.invoke(evalCase.input);
  } catch (error) {
    const failure = toAgentryError(error);
    return { pass: false, scores: [], errorCode: failure.code, errorMessage: failure.message };
  }
  answeredBy(result.version);
  const invocation: Invocation = {
    id: result.id,
    requestId: result.requestId,
    agent: result.agent,
    version: result.version,
    input: evalCase.input,
    tenant: options.tenant ?? 'eval',
    subject: undefined,
    metadata: { evalCase: evalCase.id },
    mode: 'invoke',
    cache: undefined,
    signal: new AbortController().signal,
    startedAt,
    state: new Map(),
  };
  const scores = await runEvaluators(
    evaluators,
    { invocation, result, output: result.output, usage: result.usage, expected: evalCase.expected },
    { timeoutMs: options.timeoutMs ?? 30_000, sampleRate: () => 1, random: Math.random, stats },
  );
  return { pass: scores.every((score) => score.pass), scores, output: result.output };
}

function caseReport(id: string, runs: readonly EvalRun[]): EvalCaseReport {
  const passes = runs.filter((run) => run.pass).length;
  const sums = new Map<string, { total: number; count: number }>();
  const failures = new Set<string>();
  for (const run of runs) {
    if (run.errorCode !== undefined) failures.add(`call failed: ${run.errorCode} ${run.errorMessage ?? ''}`.trim());
    for (const score of run.scores) {
      const sum = sums.get(score.name) ?? { total: 0, count: 0 };
      sum.total += score.score;
      sum.count++;
      sums.set(score.name, sum);
      if (!score.pass) failures.add(`${score.name}: ${score.error ?? score.reason ?? 'did not pass'}`);
    }
  }
  const first = runs.find((run) => run.errorCode === undefined);
  return {
    id,
    runs: runs.length,
    passes,
    passRate: runs.length === 0 ? 0 : passes / runs.length,
    passAll: runs.length > 0 && passes === runs.length,
    scores: Object.fromEntries([...sums].map(([name, sum]) => [name, sum.total / sum.count])),
    failures: [...failures],
    ...(first === undefined ? {} : { output: first.output }),
  };
}
