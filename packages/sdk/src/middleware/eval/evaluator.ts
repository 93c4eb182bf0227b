import { AgentryError, type InvokeResult, type Usage } from '../../contract';
import type { Invocation } from '../../core/invocation';

/** What an evaluator sees: the call, its result, and (over a dataset) the expected output. */
export interface EvaluatorContext {
  readonly invocation: Invocation;
  readonly result: InvokeResult;
  /** `result.output`, for short access. */
  readonly output: unknown;
  /** `result.usage`, for short access. */
  readonly usage: Usage;
  /** The case's expected output when evaluating a dataset (`agentry eval`); undefined online. */
  readonly expected?: unknown;
  /** Aborts when the evaluator's time is up; pass it to model calls and fetches. */
  readonly signal: AbortSignal;
}

/** An evaluator's verdict. `score` is usually in [0, 1]; `pass` decides. */
export interface EvaluatorVerdict {
  score: number;
  pass: boolean;
  reason?: string;
  /** What producing the verdict cost in US dollars (a judge's model call), so it is metered. */
  costUsd?: number;
}

/** The function that judges a result; sync or async. */
export type EvaluatorFunction = (context: EvaluatorContext) => EvaluatorVerdict | Promise<EvaluatorVerdict>;

/** A named evaluator, with optional per-evaluator sampling and deadline. */
export interface Evaluator {
  /** Name of the score in `result.evals`, `eval` events and usage records. */
  readonly name: string;
  readonly evaluate: EvaluatorFunction;
  /** Fraction of results this evaluator scores, from 0 to 1; overrides the middleware's. */
  readonly sampleRate?: number;
  /** Deadline of one evaluation in ms; overrides the middleware's. */
  readonly timeoutMs?: number;
}

/** An evaluator object, or a named function (its `name` becomes the score's name). */
export type EvaluatorLike = Evaluator | EvaluatorFunction;

/**
 * Defines a named evaluator.
 *
 * @example
 * const short = defineEvaluator('short', ({ output }) => {
 *   const length = JSON.stringify(output).length;
 *   return { score: Math.min(1, 200 / length), pass: length <= 200 };
 * });
 */
export function defineEvaluator(name: string, evaluate: EvaluatorFunction, options: { sampleRate?: number; timeoutMs?: number } = {}): Evaluator {
  return normalizeEvaluator({ name, evaluate, ...options }, 0);
}

/** Turns an {@link EvaluatorLike} into an {@link Evaluator}, checking its name and options. */
export function normalizeEvaluator(evaluator: EvaluatorLike, index: number): Evaluator {
  const normalized: Evaluator = typeof evaluator === 'function' ? { name: evaluator.name, evaluate: evaluator } : evaluator;
  const where = `evaluator #${index + 1}${normalized?.name ? ` (${normalized.name})` : ''}`;
  if (typeof normalized?.evaluate !== 'function') throw invalid(`${where}: \`evaluate\` must be a function`);
  if (typeof normalized.name !== 'string' || normalized.name === '') {
    throw invalid(`${where}: needs a \`name\` (use defineEvaluator(name, fn) or a named function)`);
  }
  if (normalized.sampleRate !== undefined && !(normalized.sampleRate >= 0 && normalized.sampleRate <= 1)) {
    throw invalid(`${where}: \`sampleRate\` must be between 0 and 1, got ${normalized.sampleRate}`);
  }
  if (normalized.timeoutMs !== undefined && !(normalized.timeoutMs > 0)) {
    throw invalid(`${where}: \`timeoutMs\` must be a positive number, got ${normalized.timeoutMs}`);
  }
  return normalized;
}

function invalid(message: string): AgentryError {
  return new AgentryError('AGENTRY_INVALID_OPTIONS', `evaluators: ${message}`);
}
