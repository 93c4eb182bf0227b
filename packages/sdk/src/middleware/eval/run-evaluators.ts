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
 * cheap built-ins then cost no promise and no timer.
 */
export function evaluateAll(
  evaluators: readonly Evaluator[],
  context: Omit<EvaluatorContext, 'signal'>,
  options: RunEvaluatorsOptions,
): EvalScore[] | Promise<EvalScore[]> {
  // Every evaluator is sampled before any runs, so the draws of `random` do not depend on the evaluators.
  const chosen: Evaluator[] = [];
  for (const evaluator of evaluators) {
    const rate = options.sampleRate(evaluator);
    if (rate >= 1 || (rate > 0 && options.random() < rate)) chosen.push(evaluator);
    else options.stats.skipped++;
  }
  const scores: EvalScore[] = [];
  let timedOut: boolean[] | undefined;
  let pending: Promise<void>[] | undefined;
  for (let index = 0; index < chosen.length; index++) {
    const evaluator = chosen[index]!;
    const outcome = runOne(evaluator, context, evaluator.timeoutMs ?? options.timeoutMs);
    if (outcome instanceof Promise) {
      scores.push(pendingScore);
      (pending ??= []).push(
        outcome.then((settled) => {
          scores[index] = settled.score;
          if (settled.timedOut) (timedOut ??= [])[index] = true;
        }),
      );
    } else scores.push(outcome);
  }
  if (pending === undefined) return counted(scores, undefined, options.stats);
  return Promise.all(pending).then(() => counted(scores, timedOut, options.stats));
}

/** Holds an asynchronous evaluator's place until its score arrives. */
const pendingScore: EvalScore = Object.freeze({ name: '', score: 0, pass: false });

/** Adds the scores (in evaluator order) to the stats and returns them. */
function counted(scores: EvalScore[], timedOut: readonly boolean[] | undefined, stats: EvalStats): EvalScore[] {
  for (let index = 0; index < scores.length; index++) {
    const score = scores[index]!;
    stats.evaluated++;
    if (timedOut?.[index] === true) stats.timedOut++;
    else if (score.error !== undefined) stats.errored++;
    else if (score.pass) stats.passed++;
    else stats.failed++;
  }
  return scores;
}

/**
 * Calls the evaluator at once. A plain verdict is scored there and then; only a promise gets a
 * deadline, counted from the call. `signal` is a plain property with its controller made up
 * front: a lazy own getter (which `{ ...context }` needs to see) costs several times more to
 * build per call than the controller does.
 */
function runOne(evaluator: Evaluator, context: Omit<EvaluatorContext, 'signal'>, timeoutMs: number): EvalScore | Promise<Outcome> {
  const startedAt = performance.now();
  const controller = new AbortController();
  let verdict: unknown;
  try {
    verdict = evaluator.evaluate({ ...context, signal: controller.signal });
  } catch (error) {
    return thrown(evaluator, error);
  }
  if (!isThenable(verdict)) return scored(evaluator, verdict);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => {
        controller.abort(new EvaluatorTimeout());
        reject(new EvaluatorTimeout());
      },
      Math.max(0, timeoutMs - (performance.now() - startedAt)),
    );
  });
  return Promise.race([Promise.resolve(verdict), deadline])
    .then(
      (settled): Outcome => ({ score: scored(evaluator, settled), timedOut: false }),
      (error: unknown): Outcome =>
        error instanceof EvaluatorTimeout
          ? { score: failure(evaluator.name, `timed out after ${timeoutMs} ms`), timedOut: true }
          : { score: thrown(evaluator, error), timedOut: false },
    )
    .finally(() => clearTimeout(timer));
}

function scored(evaluator: Evaluator, verdict: unknown): EvalScore {
  const problem = verdictProblem(verdict);
  if (problem !== undefined) return failure(evaluator.name, `returned an invalid verdict: ${problem}`);
  const { score, pass, reason, costUsd } = verdict as { score: number; pass: boolean; reason?: string; costUsd?: number };
  const result: EvalScore = reason === undefined ? { name: evaluator.name, score, pass } : { name: evaluator.name, score, pass, reason };
  if (costUsd !== undefined) result.costUsd = costUsd;
  return result;
}

/** An evaluator that threw; what it spent before (an error with `costUsd`, as the LLM judge throws) stays on the score. */
function thrown(evaluator: Evaluator, error: unknown): EvalScore {
  const score = failure(evaluator.name, `threw: ${toAgentryError(error).message}`);
  const costUsd = (error as { costUsd?: unknown } | null)?.costUsd;
  if (isAmount(costUsd)) score.costUsd = costUsd;
  return score;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function failure(name: string, error: string): EvalScore {
  return { name, score: 0, pass: false, error };
}

/** What is wrong with a verdict, or undefined when it is a valid `{ score, pass, reason? }`. */
function verdictProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return `expected { score, pass }, got ${JSON.stringify(value) ?? String(value)}`;
  const { score, pass, reason } = value as Record<string, unknown>;
  if (typeof score !== 'number' || !Number.isFinite(score)) return `\`score\` must be a finite number, got ${String(score)}`;
  if (typeof pass !== 'boolean') return `\`pass\` must be a boolean, got ${String(pass)}`;
  if (reason !== undefined && typeof reason !== 'string') return '`reason` must be a string';
  const { costUsd } = value as Record<string, unknown>;
  if (costUsd !== undefined && !isAmount(costUsd)) return `\`costUsd\` must be a non-negative number, got ${String(costUsd)}`;
  return undefined;
}

/** A dollar amount an evaluator may report: a finite, non-negative number. */
function isAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
