import { AgentryError } from '../../contract';
import type { AgentEvent, Invocation } from '../../core/invocation';
import type { Middleware } from '../../core/middleware';
import type { CounterStore } from '../../stores/counter-store';
import { assertBudgetLimits, createTenantScopeCache, createWindowCache, type BudgetLimits } from './budget-limits';
import { BudgetedEvents, type BudgetRules, type BudgetStats } from './budgeted-events';

export type { BudgetStats } from './budgeted-events';

/** Options of {@link budgetMiddleware}. */
export interface BudgetOptions {
  /** Atomic counters (memory or Redis) holding spend + reservations in micro-dollars. */
  counters: CounterStore;
  /** Budgets per tenant (and optionally per subject and per run). */
  limits: BudgetLimits;
  /** Worst-case cost of an invocation in US dollars, reserved before it runs (e.g. max tokens x price). */
  estimate: (invocation: Invocation) => number;
  /**
   * Cost in US dollars of one event as it streams (e.g. a `text-delta`'s tokens x output price).
   * The running cost of a stream is the larger of the sum of these and the last `usage` event's
   * `costUsd`; once it passes the reservation, more is reserved, and when that fails the stream
   * is ended after the chunk that crossed. @default none: only `usage` events are watched
   */
  chunkCost?: (event: AgentEvent, invocation: Invocation) => number;
  /** Report (warning event + `stats().dryRunRefusals`) what would be refused, but refuse nothing. @default false */
  dryRun?: boolean;
  /** When the counter store fails, refuse calls (`AGENTRY_UNAVAILABLE`); false lets them through unchecked with a warning. @default true */
  failClosed?: boolean;
  /**
   * What a call that failed or was abandoned is charged when its final usage is unknown: its
   * reservation (the worst case: safe) or only the cost observed so far. Inner refusals, which do
   * no work, always release the reservation. @default 'reserved'
   */
  chargeOnFailure?: 'reserved' | 'observed';
  /** Metadata label naming the run an invocation belongs to, for `run` budgets. @default 'runId' */
  runKey?: string;
  /** Prefix of counter keys. @default 'agentry:budget' */
  keyPrefix?: string;
  /** Clock in epoch milliseconds, for period windows. @default Date.now */
  now?: () => number;
  /** Told of counter failures during settlement (the call itself is never failed by them). */
  onError?: (error: unknown) => void;
}

/** The budget middleware plus its decision counts. */
export interface BudgetMiddleware extends Middleware {
  stats(): BudgetStats;
}

/**
 * Keeps each tenant within its cost envelopes. Before a call runs, its worst-case cost
 * (`estimate`) is reserved atomically in every applicable counter (tenant, subject, run) with
 * `incrementIfWithin`, so concurrent calls can never together pass the hard limit; a call with no
 * room is refused with `AGENTRY_BUDGET_EXCEEDED`. After it, the reservation is settled to the
 * actual `usage.costUsd` of the result. Past the soft limit calls carry an
 * `AGENTRY_BUDGET_SOFT_LIMIT` warning event (once per call and envelope, whenever the call's own
 * spend takes it there).
 *
 * Streams: a stream's running cost is taken from `usage` events seen on the way and from the
 * optional `chunkCost` hook. When it passes the reservation, the difference is reserved too; when
 * that fails on a chunk, the stream ends with `AGENTRY_BUDGET_EXCEEDED` right after the chunk that
 * crossed, so each stream overshoots by at most one chunk. Without either source a stream is held
 * to its upfront estimate, settled at the end.
 *
 * A final cost over what the call could reserve (an estimate that fell short), learnt from the
 * final `usage` event or the result, is already paid: the result is delivered, its cost settled,
 * and an `AGENTRY_BUDGET_OVERRUN` warning event goes before it when that took an envelope past
 * its hard limit; the calls after it are refused.
 *
 * Amounts are integer micro-dollars; costs round up and limits down.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` at creation for a malformed budget table (naming tenant and field);
 *   `AGENTRY_BUDGET_EXCEEDED` when a budget is spent; `AGENTRY_UNAVAILABLE` when the counters fail and `failClosed`.
 * @example
 * const budget = budgetMiddleware({
 *   counters: createMemoryCounterStore(),
 *   limits: { acme: { period: 'month', hardUsd: 100, softUsd: 80 }, '*': { period: 'day', hardUsd: 1 } },
 *   estimate: () => 0.02,
 * });
 * const runtime = createRuntime({ packs, middleware: [budget] });
 */
export function budgetMiddleware(options: BudgetOptions): BudgetMiddleware {
  if (typeof options?.estimate !== 'function') {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', 'budgetMiddleware: `estimate` must be a function returning the worst-case cost in US dollars');
  }
  if (options.counters === undefined) throw new AgentryError('AGENTRY_INVALID_OPTIONS', 'budgetMiddleware: `counters` (a CounterStore) is required');
  assertBudgetLimits(options.limits);
  const stats: BudgetStats = { allowed: 0, refused: 0, dryRunRefusals: 0, softWarnings: 0, streamsCut: 0, storeFailures: 0, unchecked: 0, settleFailures: 0 };
  const rules: BudgetRules = {
    counters: options.counters,
    limits: options.limits,
    estimate: options.estimate,
    chunkCost: options.chunkCost,
    dryRun: options.dryRun ?? false,
    failClosed: options.failClosed ?? true,
    chargeReserved: (options.chargeOnFailure ?? 'reserved') === 'reserved',
    scopeContext: {
      keyPrefix: options.keyPrefix ?? 'agentry:budget',
      runKey: options.runKey ?? 'runId',
      windowOf: createWindowCache(),
      tenantScopes: createTenantScopeCache(),
    },
    now: options.now ?? Date.now,
    onError: options.onError,
    stats,
  };
  return {
    name: 'budget',
    stats: () => ({ ...stats }),
    handle: (invocation, next) => new BudgetedEvents(invocation, next, rules),
  };
}
