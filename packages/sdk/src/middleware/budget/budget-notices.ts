import { AgentryError, toAgentryError } from '../../contract';
import type { AgentEvent, Invocation } from '../../core/invocation';
import type { BudgetScope } from './budget-limits';
import { formatMicroUsd, microUsdPerUsd } from './micro-usd';

// The errors and warning events the budget hands callers, worded in one place so that every path
// that refuses, cuts or warns says it the same way.

/** `AGENTRY_BUDGET_EXCEEDED`: a call refused before it ran, or a stream stopped mid-way. */
export function exceeded(
  verb: 'refused' | 'stopped',
  label: string,
  invocation: Invocation,
  scope: BudgetScope,
  value: number,
  amount: number,
  dryRun: boolean,
): AgentryError {
  const during = verb === 'stopped' ? ' during the stream' : '';
  const needs = verb === 'stopped' ? `the stream needs ${formatMicroUsd(amount)} more` : `this call reserves up to ${formatMicroUsd(amount)}`;
  return new AgentryError(
    'AGENTRY_BUDGET_EXCEEDED',
    `invoke ${label} ${verb}: budget of ${scope.description} exhausted${during} (${formatMicroUsd(value)} of ${formatMicroUsd(scope.hardMicros)} spent or reserved ${windowPhrase(scope)}; ${needs})`,
    {
      requestId: invocation.requestId,
      details: {
        ...scope.details,
        limitUsd: scope.hardMicros / microUsdPerUsd,
        spentUsd: value / microUsdPerUsd,
        requestedUsd: amount / microUsdPerUsd,
        ...(dryRun ? { dryRun: true } : {}),
      },
    },
  );
}

/** `AGENTRY_UNAVAILABLE`: the counters failed and budgets fail closed. */
export function unavailable(label: string, invocation: Invocation, cause: unknown): AgentryError {
  return new AgentryError(
    'AGENTRY_UNAVAILABLE',
    `invoke ${label} refused: the budget counters of tenant ${invocation.tenant} are unavailable (${toAgentryError(cause).message})`,
    {
      cause,
      requestId: invocation.requestId,
      hint: 'The counter store (e.g. Redis) failed and budgets fail closed. Restore the store, or set `failClosed: false` to let calls through unchecked.',
    },
  );
}

/** `AGENTRY_BUDGET_SOFT_LIMIT`: the call goes on, but the envelope is running out. */
export function softLimitWarning(scope: BudgetScope, value: number): AgentEvent {
  return {
    type: 'warning',
    code: 'AGENTRY_BUDGET_SOFT_LIMIT',
    message: `budget of ${scope.description} is past its soft limit: ${formatMicroUsd(value)} spent or reserved ${windowPhrase(scope)} (soft ${formatMicroUsd(scope.softMicros ?? 0)}, hard ${formatMicroUsd(scope.hardMicros)})`,
  };
}

/**
 * `AGENTRY_BUDGET_OVERRUN`: the call's final cost, known only once it was paid, came to more than
 * it could reserve. Refusing its result would save nothing, so it is delivered, and the spend it
 * settled refuses the calls after it.
 */
export function overrunWarning(label: string, scope: BudgetScope, value: number, cost: number, held: number, dryRun: boolean): AgentEvent {
  const after = dryRun ? 'later calls would be refused (dry run: they are let through)' : 'later calls are refused';
  return {
    type: 'warning',
    code: 'AGENTRY_BUDGET_OVERRUN',
    message: `budget of ${scope.description} is over its hard limit: invoke ${label} cost ${formatMicroUsd(cost)}, ${formatMicroUsd(cost - held)} more than it had reserved, known only once paid (${formatMicroUsd(value)} spent or reserved ${windowPhrase(scope)}, hard ${formatMicroUsd(scope.hardMicros)}); ${after}`,
  };
}

/** `AGENTRY_BUDGET_UNCHECKED`: the counters failed and budgets fail open. */
export function uncheckedWarning(invocation: Invocation, cause: unknown, when: 'before' | 'during'): AgentEvent {
  const what = when === 'before' ? 'not checked' : 'no longer checked during the stream';
  return {
    type: 'warning',
    code: 'AGENTRY_BUDGET_UNCHECKED',
    message: `budget of tenant ${invocation.tenant} ${what}: the counter store failed (${toAgentryError(cause).message}); failing open`,
  };
}

function windowPhrase(scope: BudgetScope): string {
  return scope.kind === 'run' ? 'in this run' : scope.periodLabel === 'day' || scope.periodLabel === 'month' ? `this ${scope.periodLabel}` : `in this ${scope.periodLabel} window`;
}

/** A hook's dollar amount, checked: a non-negative finite number. */
export function checkedUsd(value: number, label: string, hook: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `invoke ${label}: budgetMiddleware \`${hook}\` returned ${String(value)}; it must return a non-negative number of US dollars`);
  }
  return value;
}
