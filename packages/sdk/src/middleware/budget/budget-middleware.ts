import { AgentryError, isAgentryError, toAgentryError, type ErrorCode } from '../../contract';
import type { AgentEvent, Invocation } from '../../core/invocation';
import type { Middleware } from '../../core/middleware';
import type { CounterStore } from '../../stores/counter-store';
import { assertBudgetLimits, budgetOf, createWindowCache, resolveBudgetScopes, type BudgetLimits, type BudgetScope } from './budget-limits';
import { addAll, reserveAll } from './budget-reservation';
import { costToMicroUsd, formatMicroUsd, microUsdPerUsd } from './micro-usd';

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
   * is ended after the event that crossed. @default none: only `usage` events are watched
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

/** Decisions taken so far. */
export interface BudgetStats {
  /** Calls that reserved within every limit. */
  allowed: number;
  /** Calls refused before they ran. */
  refused: number;
  /** Calls dry-run mode would have refused (or cut) but let through. */
  dryRunRefusals: number;
  /** Warnings of a soft limit passed. */
  softWarnings: number;
  /** Streams ended because they crossed the hard limit. */
  streamsCut: number;
  /** Counter store failures while reserving (each refused when failing closed). */
  storeFailures: number;
  /** Calls let through unchecked because the store failed and `failClosed` is false. */
  unchecked: number;
  /** Settlements that could not be written (the reservation stays: spend is over-counted, never under). */
  settleFailures: number;
}

/** The budget middleware plus its decision counts. */
export interface BudgetMiddleware extends Middleware {
  stats(): BudgetStats;
}

/** Inner refusals that happen before any model work: their reservation is released. */
const nothingRanCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'AGENTRY_BUDGET_EXCEEDED',
  'AGENTRY_FORBIDDEN',
  'AGENTRY_FORBIDDEN_TOOL',
  'AGENTRY_RATE_LIMITED',
  'AGENTRY_PAYLOAD_TOO_LARGE',
  'AGENTRY_INVALID_INPUT',
  'AGENTRY_AGENT_NOT_FOUND',
]);

/**
 * Keeps each tenant within its cost envelopes. Before a call runs, its worst-case cost
 * (`estimate`) is reserved atomically in every applicable counter (tenant, subject, run) with
 * `incrementIfWithin`, so concurrent calls can never together pass the hard limit; a call with no
 * room is refused with `AGENTRY_BUDGET_EXCEEDED`. After it, the reservation is settled to the
 * actual `usage.costUsd` of the result. Past the soft limit calls carry an
 * `AGENTRY_BUDGET_SOFT_LIMIT` warning event.
 *
 * Streams: the runtime reports a call's full usage in its final `usage` event, so a stream's
 * running cost is taken from `usage` events seen on the way (transports may send them) and from
 * the optional `chunkCost` hook. When it passes the reservation, the difference is reserved
 * too; when that fails, the stream ends with `AGENTRY_BUDGET_EXCEEDED` right after the event
 * that crossed, so each stream overshoots by at most one chunk. Without either source a stream
 * is held to its upfront estimate, settled at the end.
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
  const { counters } = options;
  const dryRun = options.dryRun ?? false;
  const failClosed = options.failClosed ?? true;
  const chargeReserved = (options.chargeOnFailure ?? 'reserved') === 'reserved';
  const context = { keyPrefix: options.keyPrefix ?? 'agentry:budget', runKey: options.runKey ?? 'runId', windowOf: createWindowCache() };
  const now = options.now ?? Date.now;
  const stats: BudgetStats = { allowed: 0, refused: 0, dryRunRefusals: 0, softWarnings: 0, streamsCut: 0, storeFailures: 0, unchecked: 0, settleFailures: 0 };

  /** Settles a call once: adds what it really cost minus what it still holds reserved. */
  async function settle(call: Settlement, actual: number): Promise<void> {
    if (call.settled) return;
    call.settled = true;
    try {
      await addAll(counters, call.scopes, actual - call.reserved);
    } catch (error) {
      stats.settleFailures++;
      options.onError?.(error);
    }
  }

  return {
    name: 'budget',
    stats: () => ({ ...stats }),
    async *handle(invocation, next) {
      const budget = budgetOf(options.limits, invocation);
      if (budget === undefined) {
        yield* next(invocation);
        return;
      }
      const label = `${invocation.agent}@${invocation.version}`;
      const scopes = resolveBudgetScopes(budget, invocation, { ...context, now: now() });
      // At least one micro-dollar, so a spent budget refuses even calls estimated as free.
      const upfront = Math.max(1, costToMicroUsd(checkedUsd(options.estimate(invocation), label, 'estimate')));

      // Warnings are held until the settle guard below is in place, so a consumer that leaves
      // while reading one cannot strand the reservation.
      let warnings: AgentEvent[] | undefined;
      let reserved = 0;
      try {
        const outcome = await reserveAll(counters, scopes, upfront);
        if (outcome.applied) {
          stats.allowed++;
          reserved = upfront;
          for (const [index, scope] of scopes.entries()) {
            const value = outcome.values[index]!;
            if (scope.softMicros !== undefined && value > scope.softMicros) {
              stats.softWarnings++;
              (warnings ??= []).push({
                type: 'warning',
                code: 'AGENTRY_BUDGET_SOFT_LIMIT',
                message: `budget of ${scope.description} is past its soft limit: ${formatMicroUsd(value)} spent or reserved ${windowPhrase(scope)} (soft ${formatMicroUsd(scope.softMicros)}, hard ${formatMicroUsd(scope.hardMicros)})`,
              });
            }
          }
        } else {
          const refusal = exceeded('refused', label, invocation, outcome.scope, outcome.value, upfront, dryRun);
          if (!dryRun) {
            stats.refused++;
            throw refusal;
          }
          // Counted anyway, so the dry run sees the spend real enforcement would see.
          await addAll(counters, scopes, upfront);
          reserved = upfront;
          stats.dryRunRefusals++;
          (warnings ??= []).push({ type: 'warning', code: 'AGENTRY_BUDGET_DRY_RUN', message: `${refusal.message} (dry run: allowed)` });
        }
      } catch (error) {
        if (isAgentryError(error) && error.code === 'AGENTRY_BUDGET_EXCEEDED') throw error;
        stats.storeFailures++;
        if (failClosed) throw unavailable(label, invocation, error);
        stats.unchecked++;
        yield {
          type: 'warning',
          code: 'AGENTRY_BUDGET_UNCHECKED',
          message: `budget of tenant ${invocation.tenant} not checked: the counter store failed (${toAgentryError(error).message}); failing open`,
        };
        yield* next(invocation);
        return;
      }

      let running = 0;
      let usageCostUsd = 0;
      let chunkCostUsd = 0;
      let grewPastLimitInDryRun = false;
      const call: Settlement = { scopes, reserved, settled: false };

      try {
        if (warnings !== undefined) for (const warning of warnings) yield warning;
        for await (const event of next(invocation)) {
          if (event.type === 'result') {
            await settle(call, costToMicroUsd(event.result.usage.costUsd));
            yield event;
            continue;
          }
          if (event.type === 'usage') usageCostUsd = Math.max(usageCostUsd, event.usage.costUsd);
          if (options.chunkCost !== undefined) chunkCostUsd += checkedUsd(options.chunkCost(event, invocation), label, 'chunkCost');
          running = costToMicroUsd(Math.max(usageCostUsd, chunkCostUsd));
          if (running > call.reserved) {
            const extra = running - call.reserved;
            let outcome: Awaited<ReturnType<typeof reserveAll>>;
            try {
              outcome = await reserveAll(counters, scopes, extra);
            } catch (error) {
              stats.storeFailures++;
              if (failClosed) {
                yield event;
                throw unavailable(label, invocation, error);
              }
              outcome = { applied: true, values: [] };
            }
            if (outcome.applied) call.reserved += extra;
            else if (dryRun) {
              if (!grewPastLimitInDryRun) {
                grewPastLimitInDryRun = true;
                stats.dryRunRefusals++;
                const cut = exceeded('stopped', label, invocation, outcome.scope, outcome.value, extra, true);
                yield { type: 'warning', code: 'AGENTRY_BUDGET_DRY_RUN', message: `${cut.message} (dry run: not stopped)` };
              }
              await addAll(counters, scopes, extra);
              call.reserved += extra;
            } else {
              // The crossing chunk is already paid for, so the caller gets it; nothing after it.
              yield event;
              await settle(call, running);
              stats.streamsCut++;
              throw exceeded('stopped', label, invocation, outcome.scope, outcome.value, extra, false);
            }
          }
          yield event;
        }
      } catch (error) {
        if (!call.settled) {
          const released = nothingRanCodes.has(toAgentryError(error).code);
          await settle(call, released || !chargeReserved ? running : Math.max(running, call.reserved));
        }
        throw error;
      } finally {
        // Reached unsettled only when the consumer stopped early (closed the stream).
        if (!call.settled) await settle(call, chargeReserved ? Math.max(running, call.reserved) : running);
      }
    },
  };
}

/** What a call holds in its budget counters until it is settled. */
interface Settlement {
  readonly scopes: readonly BudgetScope[];
  /** Micro-dollars reserved so far (the upfront estimate, grown as a stream passes it). */
  reserved: number;
  settled: boolean;
}

function exceeded(
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

function unavailable(label: string, invocation: Invocation, cause: unknown): AgentryError {
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

function windowPhrase(scope: BudgetScope): string {
  return scope.kind === 'run' ? 'in this run' : scope.periodLabel === 'day' || scope.periodLabel === 'month' ? `this ${scope.periodLabel}` : `in this ${scope.periodLabel} window`;
}

function checkedUsd(value: number, label: string, hook: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `invoke ${label}: budgetMiddleware \`${hook}\` returned ${String(value)}; it must return a non-negative number of US dollars`);
  }
  return value;
}
