import { z } from 'zod';
import { AgentryError } from '../../contract';
import { canonicalJson } from '../../core/canonical-json';
import type { EvalReport } from './run-eval-dataset';

/** A saved evaluation result that later runs are compared with (`agentry eval --baseline`). */
export const evalBaselineSchema = z.object({
  schemaVersion: z.literal(1),
  agent: z.string(),
  version: z.string().nullable(),
  repeats: z.number().int().positive(),
  createdAt: z.string(),
  passRate: z.number().min(0).max(1),
  passAllRate: z.number().min(0).max(1),
  cases: z.record(
    z.string(),
    z.object({
      runs: z.number().int().nonnegative(),
      passes: z.number().int().nonnegative(),
      passRate: z.number().min(0).max(1),
      scores: z.record(z.string(), z.number()),
      output: z.unknown().optional(),
    }),
  ),
});
export type EvalBaseline = z.infer<typeof evalBaselineSchema>;

/** How one case changed against the baseline. */
export interface EvalCaseDiff {
  id: string;
  status: 'regressed' | 'improved' | 'unchanged' | 'added' | 'removed';
  before?: { passes: number; runs: number; passRate: number };
  after?: { passes: number; runs: number; passRate: number };
  /** Evaluators whose mean score moved (or that appeared or disappeared). */
  scoreChanges: { name: string; before?: number; after?: number }[];
  outputChanged: boolean;
  /** Canonical JSON of the outputs, when they changed. */
  outputBefore?: string;
  outputAfter?: string;
}

/** A report compared with a baseline. */
export interface EvalComparison {
  /** True when any case's pass rate, the overall pass rate, or pass^N fell by more than the tolerance. */
  regressed: boolean;
  passRateBefore: number;
  passRateAfter: number;
  /** pass^N: the share of cases that passed every one of their runs, before and after. */
  passAllRateBefore: number;
  passAllRateAfter: number;
  regressions: number;
  improvements: number;
  /** Every case of either side, in report order then removed ones. */
  cases: EvalCaseDiff[];
}

/** Turns a report into the baseline to save. */
export function baselineFromReport(report: EvalReport, createdAt: Date = new Date()): EvalBaseline {
  return {
    schemaVersion: 1,
    agent: report.agent,
    version: report.version,
    repeats: report.repeats,
    createdAt: createdAt.toISOString(),
    passRate: report.passRate,
    passAllRate: report.passAllRate,
    cases: Object.fromEntries(
      report.cases.map((evalCase) => [
        evalCase.id,
        { runs: evalCase.runs, passes: evalCase.passes, passRate: evalCase.passRate, scores: evalCase.scores, ...(evalCase.output === undefined ? {} : { output: evalCase.output }) },
      ]),
    ),
  };
}

/**
 * Parses a saved baseline.
 *
 * @throws AgentryError `AGENTRY_INVALID_REQUEST` naming the file and the first bad field.
 */
export function parseEvalBaseline(text: string, source = 'baseline'): EvalBaseline {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AgentryError('AGENTRY_INVALID_REQUEST', `${source}: not JSON (${(error as Error).message})`, { hint: 'Write it again with --write-baseline.' });
  }
  const parsed = evalBaselineSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AgentryError('AGENTRY_INVALID_REQUEST', `${source}: \`${issue.path.join('.') || '(root)'}\` ${issue.message}`, {
      hint: 'Write it again with --write-baseline.',
    });
  }
  return parsed.data;
}

const epsilon = 1e-9;

/**
 * Compares a report with a baseline case by case: pass rates, mean scores and outputs. A drop of
 * a case's pass rate (or of the overall one, or of pass^N) by more than `tolerance` is a regression.
 */
export function compareWithBaseline(report: EvalReport, baseline: EvalBaseline, options: { tolerance?: number } = {}): EvalComparison {
  const tolerance = options.tolerance ?? 0;
  const cases: EvalCaseDiff[] = [];
  for (const current of report.cases) {
    const previous = baseline.cases[current.id];
    const after = { passes: current.passes, runs: current.runs, passRate: current.passRate };
    if (previous === undefined) {
      cases.push({ id: current.id, status: 'added', after, scoreChanges: [], outputChanged: false });
      continue;
    }
    const before = { passes: previous.passes, runs: previous.runs, passRate: previous.passRate };
    const status =
      after.passRate < before.passRate - tolerance - epsilon ? 'regressed' : after.passRate > before.passRate + epsilon ? 'improved' : 'unchanged';
    const names = new Set([...Object.keys(previous.scores), ...Object.keys(current.scores)]);
    const scoreChanges = [...names]
      .map((name) => ({ name, before: previous.scores[name], after: current.scores[name] }))
      .filter((change) => change.before === undefined || change.after === undefined || Math.abs(change.before - change.after) > epsilon)
      .map((change) => ({ name: change.name, ...(change.before === undefined ? {} : { before: change.before }), ...(change.after === undefined ? {} : { after: change.after }) }));
    const outputBefore = previous.output === undefined ? undefined : canonicalJson(previous.output);
    const outputAfter = current.output === undefined ? undefined : canonicalJson(current.output);
    const outputChanged = outputBefore !== outputAfter;
    cases.push({
      id: current.id,
      status,
      before,
      after,
      scoreChanges,
      outputChanged,
      ...(outputChanged && outputBefore !== undefined ? { outputBefore } : {}),
      ...(outputChanged && outputAfter !== undefined ? { outputAfter } : {}),
    });
  }
  const seen = new Set(report.cases.map((evalCase) => evalCase.id));
  for (const [id, previous] of Object.entries(baseline.cases)) {
    if (!seen.has(id)) {
      cases.push({ id, status: 'removed', before: { passes: previous.passes, runs: previous.runs, passRate: previous.passRate }, scoreChanges: [], outputChanged: false });
    }
  }
  const regressions = cases.filter((diff) => diff.status === 'regressed').length;
  return {
    regressed:
      regressions > 0 || report.passRate < baseline.passRate - tolerance - epsilon || report.passAllRate < baseline.passAllRate - tolerance - epsilon,
    passRateBefore: baseline.passRate,
    passRateAfter: report.passRate,
    passAllRateBefore: baseline.passAllRate,
    passAllRateAfter: report.passAllRate,
    regressions,
    improvements: cases.filter((diff) => diff.status === 'improved').length,
    cases,
  };
}
