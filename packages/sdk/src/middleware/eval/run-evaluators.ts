import { toAgentryError, type EvalScore } from '../../contract';
import type { Evaluator, EvaluatorContext } from './evaluator';

/** How many evaluations ran and how they ended; every sampled-out or failed one is counted. */
export interface EvalStats {
  /** Evaluations that ran. */
  evaluated: number;
  /** Evaluations skipped by sampling. */
  skipped: number;
  passed: number;
  /** Evaluations that ran and did not pass (errors excluded). */
  failed: number;
  /** Evaluators that threw or returned an invalid verdict. */
  errored: number;
  /** Evaluators that did not answer in time. */
  timedOut: number;
}

/** Options of {@link runEvaluators}. */
export interface RunEvaluatorsOptions {
  /** Deadline of an evaluation when the evaluator names none, in ms. */
  timeoutMs: number;
  /** Sampling rate of an evaluator (its own, else the configured one). */
  sampleRate: (evaluator: Evaluator) => number;
  /** Uniform random numbers in [0, 1). */
  random: () => number;
  /** Counts are added here. */
  stats: EvalStats;
}

/** A fresh, zeroed {@link EvalStats}. */
export function createEvalStats(): EvalStats {
  return { evaluated: 0, skipped: 0, passed: 0, failed: 0, errored: 0, timedOut: 0 };
}

class EvaluatorTimeout extends Error {}

interface Outcome {
  score: EvalScore;
  timedOut: boolean;
}

/**
 * Runs the sampled evaluators concurrently, each under its deadline. An evaluator that throws,
 * times out or returns something that is not a verdict yields a score with `error` set and
 * `pass: false`: it is recorded, never thrown. Scores come back in evaluator order.
 */
export async function runEvaluators(
  evaluators: readonly Evaluator[],
  context: Omit<EvaluatorContext, 'signal'>,
  options: RunEvaluatorsOptions,
): Promise<EvalScore[]> {
  return evaluateAll(evaluators, context, options);
}

/**
 * {@link runEvaluators}, synchronous when every sampled evaluator answered synchronously: the
 * cheap built-ins then cost no promise, timer or abort controller.
 */
export function evaluateAll(
  evaluators: readonly Evaluator[],
  context: Omit<EvaluatorContext, 'signal'>,
  options: RunEvaluatorsOptions,
): EvalScore[] | Promise<EvalScore[]> {
  const chosen = evaluators.filter((evaluator) => {
    const rate = options.sampleRate(evaluator);
    const sampled = rate >= 1 || (rate > 0 && options.random() < rate);
    if (!sampled) options.stats.skipped++;
    return sampled;
  });
  const outcomes: (Outcome | Promise<Outcome>)[] = [];
  let pending = false;
  for (const evaluator of chosen) {
    const outcome = runOne(evaluator, context, evaluator.timeoutMs ?? options.timeoutMs);
    if (outcome instanceof Promise) pending = true;
    outcomes.push(outcome);
  }
  return pending ? Promise.all(outcomes).then((settled) => scoresOf(settled, options.stats)) : scoresOf(outcomes as Outcome[], options.stats);
}

function scoresOf(outcomes: readonly Outcome[], stats: EvalStats): EvalScore[] {
  const scores: EvalScore[] = [];
  for (const { score, timedOut } of outcomes) {
    stats.evaluated++;
    if (timedOut) stats.timedOut++;
    else if (score.error !== undefined) stats.errored++;
    else if (score.pass) stats.passed++;
    else stats.failed++;
    scores.push(score);
  }
  return scores;
}

/**
 * Calls the evaluator at once. A plain verdict is scored there and then; only a promise gets a
 * deadline, counted from the call. The abort controller behind `signal` is made when the
 * evaluator first reads it (synchronous evaluators never do).
 */
function runOne(evaluator: Evaluator, context: Omit<EvaluatorContext, 'signal'>, timeoutMs: number): Outcome | Promise<Outcome> {
  const startedAt = performance.now();
  const abort: { controller: AbortController | undefined } = { controller: undefined };
  const evaluatorContext: EvaluatorContext = {
    ...context,
    get signal() {
      return (abort.controller ??= new AbortController()).signal;
    },
  };
  let verdict: unknown;
  try {
    verdict = evaluator.evaluate(evaluatorContext);
  } catch (error) {
    return thrown(evaluator, error);
  }
  if (!isThenable(verdict)) return scored(evaluator, verdict);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => {
        (abort.controller ??= new AbortController()).abort(new EvaluatorTimeout());
        reject(new EvaluatorTimeout());
      },
      Math.max(0, timeoutMs - (performance.now() - startedAt)),
    );
  });
  return Promise.race([Promise.resolve(verdict), deadline])
    .then(
      (settled) => scored(evaluator, settled),
      (error: unknown) =>
        error instanceof EvaluatorTimeout ? { score: failure(evaluator.name, `timed out after ${timeoutMs} ms`), timedOut: true } : thrown(evaluator, error),
    )
    .finally(() => clearTimeout(timer));
}

function scored(evaluator: Evaluator, verdict: unknown): Outcome {
  const checked = checkVerdict(verdict);
  if (typeof checked === 'string') return { score: failure(evaluator.name, `returned an invalid verdict: ${checked}`), timedOut: false };
  const score = { name: evaluator.name, score: checked.score, pass: checked.pass, ...(checked.reason === undefined ? {} : { reason: checked.reason }) };
  return { score, timedOut: false };
}

function thrown(evaluator: Evaluator, error: unknown): Outcome {
  return { score: failure(evaluator.name, `threw: ${toAgentryError(error).message}`), timedOut: false };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function failure(name: string, error: string): EvalScore {
  return { name, score: 0, pass: false, error };
}

function checkVerdict(value: unknown): { score: number; pass: boolean; reason?: string } | string {
  if (typeof value !== 'object' || value === null) return `expected { score, pass }, got ${JSON.stringify(value) ?? String(value)}`;
  const { score, pass, reason } = value as Record<string, unknown>;
  if (typeof score !== 'number' || !Number.isFinite(score)) return `\`score\` must be a finite number, got ${String(score)}`;
  if (typeof pass !== 'boolean') return `\`pass\` must be a boolean, got ${String(pass)}`;
  if (reason !== undefined && typeof reason !== 'string') return '`reason` must be a string';
  return reason === undefined ? { score, pass } : { score, pass, reason };
}
