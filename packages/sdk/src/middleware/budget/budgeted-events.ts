import { isAgentryError, toAgentryError, type ErrorCode } from '../../contract';
import type { AgentEvent, Invocation } from '../../core/invocation';
import type { Next } from '../../core/middleware';
import type { CounterStore } from '../../stores/counter-store';
import { done, GatedEvents, type EventStep } from '../gated-events';
import { budgetOf, resolveBudgetScopes, type BudgetLimits, type BudgetScope, type TenantScopeCache, type windowOf } from './budget-limits';
import { checkedUsd, exceeded, overrunWarning, softLimitWarning, unavailable, uncheckedWarning } from './budget-notices';
import { addAll, reserveAll, type ReserveOutcome } from './budget-reservation';
import { costToMicroUsd } from './micro-usd';

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
  /** Micro-dollars held in the counters so far (the upfront estimate, grown as a stream passes it). */
  reserved: number;
  settled: boolean;
  /** Bit per scope whose soft limit this call already warned of: each is told once per call. */
  softWarned: number;
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
  /** The store failed mid-stream and budgets fail open: no more growing, only settlement. */
  private unchecked = false;

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
    let softWarned = 0;
    try {
      const outcome = await reserveAll(counters, scopes, upfront);
      if (outcome.applied) {
        stats.allowed++;
        reserved = upfront;
        for (let index = 0; index < scopes.length; index++) {
          const scope = scopes[index]!;
          if (scope.softMicros === undefined || outcome.values[index]! <= scope.softMicros) continue;
          stats.softWarnings++;
          softWarned |= 1 << index;
          (warnings ??= []).push(softLimitWarning(scope, outcome.values[index]!));
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
      this.queued = [uncheckedWarning(invocation, error, 'before')];
      return;
    }
    // From here on the call holds a reservation, settled exactly once whatever happens.
    this.call = { scopes, reserved, settled: false, softWarned };
    this.queued = warnings;
  }

  /**
   * Settles a call once: adds what it really cost minus what it still holds reserved. Resolves to
   * the counter values after the add, or `undefined` when there was nothing to add or it failed.
   */
  private async settle(actual: number): Promise<number[] | undefined> {
    const call = this.call;
    if (call === undefined || call.settled) return undefined;
    call.settled = true;
    try {
      return await addAll(this.rules.counters, call.scopes, actual - call.reserved);
    } catch (error) {
      this.rules.stats.settleFailures++;
      this.rules.onError?.(error);
      return undefined;
    }
  }

  /** Charge of a call that ended without its result's cost: its reservation, or what was observed. */
  protected override abandoned(): Promise<void> | undefined {
    const { call } = this;
    if (call === undefined || call.settled) return undefined;
    return this.settle(this.rules.chargeReserved ? Math.max(this.running, call.reserved) : this.running).then(ignore);
  }

  /** The call failed: release the reservation on an inner refusal, else charge it. */
  protected override failing(error: unknown): Promise<void> | undefined {
    const { call } = this;
    if (call === undefined || call.settled) return undefined;
    const released = nothingRanCodes.has(toAgentryError(error).code);
    return this.settle(released || !this.rules.chargeReserved ? this.running : Math.max(this.running, call.reserved)).then(ignore);
  }

  protected override passing(step: IteratorYieldResult<AgentEvent>): EventStep {
    const event = step.value;
    if (event.type === 'result') return this.settleResult(step, event.result.usage.costUsd);
    const { rules, invocation } = this;
    const before = this.running;
    try {
      if (event.type === 'usage') this.usageCostUsd = Math.max(this.usageCostUsd, event.usage.costUsd);
      if (rules.chunkCost !== undefined) this.chunkCostUsd += checkedUsd(rules.chunkCost(event, invocation), this.label, 'chunkCost');
    } catch (error) {
      return this.failOwn(error);
    }
    this.running = costToMicroUsd(Math.max(this.usageCostUsd, this.chunkCostUsd));
    // Grow when the cost rose; and once a usage report was refused more, output after it is
    // checked again, as a stream still under way (see grow).
    if (this.running > this.call!.reserved && !this.unchecked && (this.running > before || isOutput(event))) return this.grow(step);
    return step;
  }

  /**
   * The result: its cost is settled, and when that was more than the call held (its estimate
   * fell short), the result is still delivered, after a warning. The money is spent by now, so
   * refusing the result would only lose it; the counters, now full, refuse the calls after it.
   */
  private async settleResult(step: IteratorYieldResult<AgentEvent>, costUsd: number): Promise<IteratorResult<AgentEvent>> {
    const call = this.call!;
    const held = call.reserved;
    const actual = costToMicroUsd(costUsd);
    const values = await this.settle(actual);
    if (values === undefined || actual <= held) return step;
    const { rules, label } = this;
    let warnings: AgentEvent[] | undefined;
    for (let index = 0; index < call.scopes.length; index++) {
      const scope = call.scopes[index]!;
      const value = values[index]!;
      if (value > scope.hardMicros) (warnings ??= []).push(overrunWarning(label, scope, value, actual, held, rules.dryRun));
      else if (this.passedSoftLimit(index, value)) (warnings ??= []).push(softLimitWarning(scope, value));
    }
    if (warnings === undefined) return step;
    // Warnings go before the result: it is the last event of a stream.
    this.queued = [...warnings.slice(1), step.value];
    return { done: false, value: warnings[0]! };
  }

  /** Whether this call's own spend just took scope `index` past its soft limit, for the first time in the call. */
  private passedSoftLimit(index: number, value: number): boolean {
    const call = this.call!;
    const soft = call.scopes[index]!.softMicros;
    if (soft === undefined || value <= soft || (call.softWarned & (1 << index)) !== 0) return false;
    call.softWarned |= 1 << index;
    this.rules.stats.softWarnings++;
    return true;
  }

  /** Soft-limit warnings for the scopes an add of this call took past their soft limit. */
  private softWarningsAfter(values: readonly number[]): AgentEvent[] | undefined {
    let warnings: AgentEvent[] | undefined;
    for (let index = 0; index < values.length; index++) {
      if (this.passedSoftLimit(index, values[index]!)) (warnings ??= []).push(softLimitWarning(this.call!.scopes[index]!, values[index]!));
    }
    return warnings;
  }

  /**
   * The running cost passed the reservation: reserve the difference, or end the stream after this
   * event. A `usage` event reports spend already incurred and is, as a rule, the last word before
   * the result: when there is no room for it, the stream is left to reach its result, settled
   * there (see settleResult). Should output follow it instead, the stream was still under way and
   * that output is where it is ended.
   */
  private async grow(step: IteratorYieldResult<AgentEvent>): Promise<IteratorResult<AgentEvent>> {
    const { rules, invocation, label } = this;
    const call = this.call!;
    const extra = this.running - call.reserved;
    const reported = step.value.type === 'usage';
    let outcome: ReserveOutcome;
    try {
      outcome = await reserveAll(rules.counters, call.scopes, extra);
    } catch (error) {
      // Nothing to refuse yet: settlement writes the spend, or counts that it could not.
      return reported ? step : this.storeFailedDuring(step, error);
    }
    if (outcome.applied) {
      call.reserved += extra;
      this.queued = this.softWarningsAfter(outcome.values);
      return step;
    }
    if (reported) return step;
    if (rules.dryRun) {
      // Counted anyway, so the dry run sees the spend real enforcement would see.
      const count = async (): Promise<IteratorResult<AgentEvent>> => {
        let values: number[];
        try {
          values = await addAll(rules.counters, call.scopes, extra);
        } catch (error) {
          return this.storeFailedDuring(step, error);
        }
        call.reserved += extra;
        this.queued = this.softWarningsAfter(values);
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

  /** The store failed while a stream grew: `step` is delivered, then the call fails closed or goes on unchecked. */
  private storeFailedDuring(step: IteratorYieldResult<AgentEvent>, error: unknown): IteratorResult<AgentEvent> {
    const { rules, invocation, label } = this;
    rules.stats.storeFailures++;
    if (rules.failClosed) {
      this.afterDelivered = () => this.failOwn(unavailable(label, invocation, error));
      return step;
    }
    // As a call that found the store down before it ran: the rest goes through unchecked.
    rules.stats.unchecked++;
    this.unchecked = true;
    this.queued = [uncheckedWarning(invocation, error, 'during')];
    return step;
  }
}

/** Events that are the model's work: the ones a stream still under way produces. */
function isOutput(event: AgentEvent): boolean {
  return event.type === 'text-delta' || event.type === 'tool-call';
}

const ignore = (): void => {};
