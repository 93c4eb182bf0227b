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
  const chosen = evaluators.filter((evaluator) => {
    const rate = options.sampleRate(evaluator);
    const sampled = rate >= 1 || (rate > 0 && options.random() < rate);
    if (!sampled) options.stats.skipped++;
    return sampled;
  });
  const outcomes = await Promise.all(chosen.map((evaluator) => runOne(evaluator, context, evaluator.timeoutMs ?? options.timeoutMs)));
  for (const { score, timedOut } of outcomes) {
    options.stats.evaluated++;
    if (timedOut) options.stats.timedOut++;
    else if (score.error !== undefined) options.stats.errored++;
    else if (score.pass) options.stats.passed++;
    else options.stats.failed++;
  }
  return outcomes.map((outcome) => outcome.score);
}

async function runOne(
  evaluator: Evaluator,
  context: Omit<EvaluatorContext, 'signal'>,
  timeoutMs: number,
): Promise<{ score: EvalScore; timedOut: boolean }> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort(new EvaluatorTimeout());
      reject(new EvaluatorTimeout());
    }, timeoutMs);
  });
  try {
    const verdict: unknown = await Promise.race([
      Promise.resolve().then(() => evaluator.evaluate({ ...context, signal: controller.signal })),
      deadline,
    ]);
    const checked = checkVerdict(verdict);
    if (typeof checked === 'string') return { score: failure(evaluator.name, `returned an invalid verdict: ${checked}`), timedOut: false };
    const score = { name: evaluator.name, score: checked.score, pass: checked.pass, ...(checked.reason === undefined ? {} : { reason: checked.reason }) };
    return { score, timedOut: false };
  } catch (error) {
    if (error instanceof EvaluatorTimeout) return { score: failure(evaluator.name, `timed out after ${timeoutMs} ms`), timedOut: true };
    return { score: failure(evaluator.name, `threw: ${toAgentryError(error).message}`), timedOut: false };
  } finally {
    clearTimeout(timer);
  }
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
