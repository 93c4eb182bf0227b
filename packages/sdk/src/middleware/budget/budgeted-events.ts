import { AgentryError, isAgentryError, toAgentryError, type ErrorCode } from '../../contract';
import type { AgentEvent, Invocation } from '../../core/invocation';
import type { Next } from '../../core/middleware';
import type { CounterStore } from '../../stores/counter-store';
import { done, GatedEvents, type EventStep } from '../gated-events';
import { budgetOf, resolveBudgetScopes, type BudgetLimits, type BudgetScope, type TenantScopeCache, type windowOf } from './budget-limits';
import { addAll, reserveAll, type ReserveOutcome } from './budget-reservation';
import { costToMicroUsd, formatMicroUsd, microUsdPerUsd } from './micro-usd';

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

/** The budget middleware's options, resolved once, and its counts: what every call's events share. */
export interface BudgetRules {
  counters: CounterStore;
  limits: BudgetLimits;
  estimate: (invocation: Invocation) => number;
  chunkCost: ((event: AgentEvent, invocation: Invocation) => number) | undefined;
  dryRun: boolean;
  failClosed: boolean;
  /** Charge a failed or abandoned call its reservation (else only what was observed). */
  chargeReserved: boolean;
  scopeContext: { keyPrefix: string; runKey: string; windowOf: typeof windowOf; tenantScopes: TenantScopeCache };
  now: () => number;
  onError: ((error: unknown) => void) | undefined;
  stats: BudgetStats;
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

/** What a call holds in its budget counters until it is settled. */
interface Settlement {
  readonly scopes: readonly BudgetScope[];
  /** Micro-dollars reserved so far (the upfront estimate, grown as a stream passes it). */
  reserved: number;
  settled: boolean;
}

/**
 * The events of one call under its budget: reserved before the first event is asked for, settled
 * once when the result passes, the call fails or its reader leaves. An event that needs no
 * counter work is handed on in the same turn it arrived (see GatedEvents).
 */
export class BudgetedEvents extends GatedEvents<BudgetRules> {
  private readonly label: string;
  /** No budget applies (or the store failed open): events pass untouched. */
  private passThrough = false;
  /** Events to hand out before asking the source again (budget warnings). */
  private queued: AgentEvent[] | undefined;
  private call: Settlement | undefined;
  /** Running cost of the call in micro-dollars, as its events report it. */
  private running = 0;
  private usageCostUsd = 0;
  private chunkCostUsd = 0;
  private grewPastLimitInDryRun = false;

  constructor(invocation: Invocation, downstream: Next, rules: BudgetRules) {
    super(invocation, downstream, rules);
    this.label = `${invocation.agent}@${invocation.version}`;
  }

  override next(): Promise<IteratorResult<AgentEvent>> {
    if (this.queued !== undefined) {
      const event = this.queued.shift()!;
      if (this.queued.length === 0) this.queued = undefined;
      return Promise.resolve({ done: false, value: event });
    }
    if (this.passThrough) {
      try {
        return this.sourceOf().next();
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return super.next();
  }

  /** The reader left early: the call is charged as abandoned (its reservation, by default). */
  protected override async closeEarly(): Promise<IteratorResult<AgentEvent>> {
    this.queued = undefined;
    if (this.passThrough) return (await this.source?.return?.()) ?? done;
    return super.closeEarly();
  }

  /** Under pass-through the source takes the reader's error itself, as it takes its `return()`. */
  protected override async thrownIn(error: unknown): Promise<IteratorResult<AgentEvent>> {
    this.queued = undefined;
    if (this.passThrough) {
      if (this.source?.throw !== undefined) return this.source.throw(error);
      throw error;
    }
    return super.thrownIn(error);
  }

  /** Reserves the call's estimate in every scope; refuses, or queues the warnings to deliver first. */
  protected override async open(): Promise<void> {
    const { invocation, rules, label } = this;
    const budget = budgetOf(rules.limits, invocation);
    if (budget === undefined) {
      this.passThrough = true;
      return;
    }
    const { counters, stats } = rules;
    const scopes = resolveBudgetScopes(budget, invocation, { ...rules.scopeContext, now: rules.now() });
    // At least one micro-dollar, so a spent budget refuses even calls estimated as free.
    const upfront = Math.max(1, costToMicroUsd(checkedUsd(rules.estimate(invocation), label, 'estimate')));
    let warnings: AgentEvent[] | undefined;
    let reserved = 0;
    try {
      const outcome = await reserveAll(counters, scopes, upfront);
      if (outcome.applied) {
        stats.allowed++;
        reserved = upfront;
        for (let index = 0; index < scopes.length; index++) {
          const scope = scopes[index]!;
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
        const refusal = exceeded('refused', label, invocation, outcome.scope, outcome.value, upfront, rules.dryRun);
        if (!rules.dryRun) {
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
      if (rules.failClosed) throw unavailable(label, invocation, error);
      stats.unchecked++;
      this.passThrough = true;
      this.queued = [
        {
          type: 'warning',
          code: 'AGENTRY_BUDGET_UNCHECKED',
          message: `budget of tenant ${invocation.tenant} not checked: the counter store failed (${toAgentryError(error).message}); failing open`,
        },
      ];
      return;
    }
    // From here on the call holds a reservation, settled exactly once whatever happens.
    this.call = { scopes, reserved, settled: false };
    this.queued = warnings;
  }

  /** Settles a call once: adds what it really cost minus what it still holds reserved. */
  private async settle(actual: number): Promise<void> {
    const call = this.call;
    if (call === undefined || call.settled) return;
    call.settled = true;
    try {
      await addAll(this.rules.counters, call.scopes, actual - call.reserved);
    } catch (error) {
      this.rules.stats.settleFailures++;
      this.rules.onError?.(error);
    }
  }

  /** Charge of a call that ended without its result's cost: its reservation, or what was observed. */
  protected override abandoned(): Promise<void> | undefined {
    const { call } = this;
    if (call === undefined || call.settled) return undefined;
    return this.settle(this.rules.chargeReserved ? Math.max(this.running, call.reserved) : this.running);
  }

  /** The call failed: release the reservation on an inner refusal, else charge it. */
  protected override failing(error: unknown): Promise<void> | undefined {
    const { call } = this;
    if (call === undefined || call.settled) return undefined;
    const released = nothingRanCodes.has(toAgentryError(error).code);
    return this.settle(released || !this.rules.chargeReserved ? this.running : Math.max(this.running, call.reserved));
  }

  protected override passing(step: IteratorYieldResult<AgentEvent>): EventStep {
    const event = step.value;
    if (event.type === 'result') return this.settle(costToMicroUsd(event.result.usage.costUsd)).then(() => step);
    const { rules, invocation } = this;
    try {
      if (event.type === 'usage') this.usageCostUsd = Math.max(this.usageCostUsd, event.usage.costUsd);
      if (rules.chunkCost !== undefined) this.chunkCostUsd += checkedUsd(rules.chunkCost(event, invocation), this.label, 'chunkCost');
    } catch (error) {
      return this.failOwn(error);
    }
    this.running = costToMicroUsd(Math.max(this.usageCostUsd, this.chunkCostUsd));
    if (this.running > this.call!.reserved) return this.grow(step);
    return step;
  }

  /** The running cost passed the reservation: reserve the difference, or end the stream after this event. */
  private async grow(step: IteratorYieldResult<AgentEvent>): Promise<IteratorResult<AgentEvent>> {
    const { rules, invocation, label } = this;
    const call = this.call!;
    const extra = this.running - call.reserved;
    let outcome: ReserveOutcome;
    try {
      outcome = await reserveAll(rules.counters, call.scopes, extra);
    } catch (error) {
      rules.stats.storeFailures++;
      if (rules.failClosed) {
        this.afterDelivered = () => this.failOwn(unavailable(label, invocation, error));
        return step;
      }
      outcome = { applied: true, values: [] };
    }
    if (outcome.applied) {
      call.reserved += extra;
      return step;
    }
    if (rules.dryRun) {
      // Counted anyway, so the dry run sees the spend real enforcement would see.
      const count = async (): Promise<IteratorResult<AgentEvent>> => {
        try {
          await addAll(rules.counters, call.scopes, extra);
        } catch (error) {
          return this.failOwn(error);
        }
        call.reserved += extra;
        return step;
      };
      if (this.grewPastLimitInDryRun) return count();
      this.grewPastLimitInDryRun = true;
      rules.stats.dryRunRefusals++;
      const cut = exceeded('stopped', label, invocation, outcome.scope, outcome.value, extra, true);
      // The warning goes first; the count and the event itself on the next step.
      this.afterDelivered = count;
      return { done: false, value: { type: 'warning', code: 'AGENTRY_BUDGET_DRY_RUN', message: `${cut.message} (dry run: not stopped)` } };
    }
    // The crossing chunk is already paid for, so the caller gets it; nothing after it.
    const { scope, value } = outcome;
    this.afterDelivered = async () => {
      await this.settle(this.running);
      rules.stats.streamsCut++;
      return this.failOwn(exceeded('stopped', label, invocation, scope, value, extra, false));
    };
    return step;
  }
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

/** A hook's dollar amount, checked: a non-negative finite number. */
export function checkedUsd(value: number, label: string, hook: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `invoke ${label}: budgetMiddleware \`${hook}\` returned ${String(value)}; it must return a non-negative number of US dollars`);
  }
  return value;
}
