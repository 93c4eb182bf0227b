import type { CounterStore } from '../../stores/counter-store';
import type { BudgetScope } from './budget-limits';

/** The outcome of trying to add an amount to every scope of a call. */
export type ReserveOutcome =
  | { applied: true; /** Counter values after the add, per scope. */ values: number[] }
  | { applied: false; /** The first scope that had no room. */ scope: BudgetScope; /** Its value (spent + reserved). */ value: number };

/**
 * Adds `amount` micro-dollars to every scope, each atomically within its hard limit. If one
 * scope has no room, the scopes already added are rolled back, so a refused call holds nothing.
 * Each scope is atomic on its own; across scopes a concurrent caller may briefly see a
 * reservation that is then rolled back, which can only refuse too much, never allow too much.
 *
 * @throws whatever the counter store throws (a rollback is attempted first).
 */
export async function reserveAll(counters: CounterStore, scopes: readonly BudgetScope[], amount: number): Promise<ReserveOutcome> {
  const values: number[] = [];
  const applied: BudgetScope[] = [];
  try {
    for (const scope of scopes) {
      const result = await counters.incrementIfWithin(scope.key, amount, scope.hardMicros, { ttlMs: scope.ttlMs });
      if (!result.applied) {
        await rollback(counters, applied, amount);
        return { applied: false, scope, value: result.value };
      }
      applied.push(scope);
      values.push(result.value);
    }
  } catch (error) {
    await rollback(counters, applied, amount).catch(() => {});
    throw error;
  }
  return { applied: true, values };
}

/** Adds `amount` (may be negative) to every scope without a limit: settlement of what was really spent. */
export function addAll(counters: CounterStore, scopes: readonly BudgetScope[], amount: number): Promise<number[]> {
  if (amount === 0) return Promise.resolve([]);
  try {
    // Most calls have one scope (the tenant): no need to gather one promise.
    if (scopes.length === 1) return counters.increment(scopes[0]!.key, amount, { ttlMs: scopes[0]!.ttlMs }).then((value) => [value]);
    return Promise.all(scopes.map((scope) => counters.increment(scope.key, amount, { ttlMs: scope.ttlMs })));
  } catch (error) {
    // A store that throws instead of rejecting fails the same way.
    return Promise.reject(error);
  }
}

async function rollback(counters: CounterStore, scopes: readonly BudgetScope[], amount: number): Promise<void> {
  await Promise.all(scopes.map((scope) => counters.increment(scope.key, -amount, { ttlMs: scope.ttlMs })));
}
