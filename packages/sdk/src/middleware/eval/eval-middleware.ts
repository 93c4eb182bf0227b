import { AgentryError, type EvalScore, type InvokeResult } from '../../contract';
import type { Invocation } from '../../core/invocation';
import type { Middleware } from '../../core/middleware';
import { EvaluatedEvents, type Scoring } from './evaluated-events';
import { normalizeEvaluator, type Evaluator, type EvaluatorLike } from './evaluator';
import { createEvalStats, evaluateAll, type EvalStats } from './run-evaluators';

/** Options of {@link evalMiddleware}. */
export interface EvalOptions {
  /** Evaluators scoring every (sampled) result. */
  evaluators: readonly EvaluatorLike[];
  /**
   * Fraction of results scored, from 0 to 1: one rate for all, or per evaluator name (names not
   * listed use 1). An evaluator's own `sampleRate` wins. @default 1
   */
  sampleRate?: number | Readonly<Record<string, number>>;
  /** Deadline of one evaluation in ms, unless the evaluator sets its own. @default 5000 */
  timeoutMs?: number;
  /** Fail the call (`AGENTRY_HANDLER_FAILED`) when an evaluator throws or times out. @default false */
  failOnError?: boolean;
  /** Told of every score, e.g. to export it elsewhere. Must not throw; errors are ignored. */
  onScore?: (score: EvalScore, invocation: Invocation) => void;
  /** Uniform random numbers in [0, 1), for sampling. @default Math.random */
  random?: () => number;
}

/** The eval middleware plus its counts. */
export interface EvalMiddleware extends Middleware {
  /** Evaluations run, skipped by sampling, passed, failed, errored and timed out. */
  stats(): EvalStats;
}

/**
 * Scores results online. When the `result` arrives, the sampled evaluators run concurrently
 * (each under its deadline); each score is emitted as an `eval` event, then the `result` follows
 * with the scores appended to `result.evals`, so invoke, stream and jobs all carry them and the
 * meter (placed outside) records them. An evaluator that throws or times out becomes a score with
 * `error` and `pass: false`; it fails the call only with `failOnError`. Sampled-out evaluations
 * are counted in `stats().skipped`, so nothing disappears silently.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` for an evaluator without a name or with bad options;
 *   `AGENTRY_HANDLER_FAILED` from a call whose evaluator failed when `failOnError` is set.
 * @example
 * const evals = evalMiddleware({
 *   evaluators: [containsEvaluator('refund'), latencySloEvaluator({ maxMs: 2000 })],
 *   sampleRate: { 'llm-judge': 0.05 },
 * });
 * const runtime = createRuntime({ packs, middleware: [meter, evals] });
 */
export function evalMiddleware(options: EvalOptions): EvalMiddleware {
  if (!Array.isArray(options?.evaluators)) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', 'evalMiddleware: `evaluators` must be an array of evaluators');
  }
  const evaluators: Evaluator[] = options.evaluators.map(normalizeEvaluator);
  const names = new Set<string>();
  for (const evaluator of evaluators) {
    if (names.has(evaluator.name)) throw new AgentryError('AGENTRY_INVALID_OPTIONS', `evalMiddleware: two evaluators are named ${evaluator.name}; names must be unique`);
    names.add(evaluator.name);
  }
  const rates = options.sampleRate ?? 1;
  for (const [name, rate] of typeof rates === 'number' ? [['sampleRate', rates] as const] : Object.entries(rates)) {
    if (!(rate >= 0 && rate <= 1)) throw new AgentryError('AGENTRY_INVALID_OPTIONS', `evalMiddleware: sample rate of ${name} must be between 0 and 1, got ${rate}`);
  }
  const timeoutMs = options.timeoutMs ?? 5_000;
  const stats = createEvalStats();
  const runOptions = {
    timeoutMs,
    random: options.random ?? Math.random,
    stats,
    sampleRate: (evaluator: Evaluator) => evaluator.sampleRate ?? (typeof rates === 'number' ? rates : (rates[evaluator.name] ?? 1)),
  };

  /** Scores a result: synchronous when every sampled evaluator is. */
  function evaluate(invocation: Invocation, result: InvokeResult): EvalScore[] | Promise<EvalScore[]> {
    return evaluateAll(evaluators, { invocation, result, output: result.output, usage: result.usage }, runOptions);
  }

  /** Called as each score is handed on. */
  function observe(score: EvalScore, invocation: Invocation): void {
    try {
      options.onScore?.(score, invocation);
    } catch {
      // A broken observer must not fail the call it observes.
    }
  }

  /** The error of a call whose evaluator broke, when `failOnError` is set. */
  function brokenCall(invocation: Invocation, scores: readonly EvalScore[]): AgentryError | undefined {
    if (!options.failOnError) return undefined;
    const broken = scores.filter((score) => score.error !== undefined);
    if (broken.length === 0) return undefined;
    return new AgentryError(
      'AGENTRY_HANDLER_FAILED',
      `invoke ${invocation.agent}@${invocation.version} failed: evaluator ${broken.map((score) => `${score.name} ${score.error}`).join('; ')}`,
      {
        requestId: invocation.requestId,
        details: { evals: scores },
        hint: 'An evaluator failed and evalMiddleware has `failOnError`; fix the evaluator or raise its `timeoutMs`.',
      },
    );
  }

  const scoring: Scoring = { evaluate, observe, brokenCall };

  return {
    name: 'eval',
    stats: () => ({ ...stats }),
    handle: (invocation, next) => new EvaluatedEvents(invocation, next, scoring),
  };
}
