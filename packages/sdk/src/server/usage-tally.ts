import type { AgentUsage, UsageFigures, UsageReport } from '../contract';
import { usageOutcomeOf } from '../middleware/meter/usage-outcome';
import type { ObservedInvocation } from './invocation-observer';
import type { ResolvedUsageOptions } from './usage-options';

// One entry's figures, in a typed array: one allocation per tenant, agent and interval, and
// adding a call is plain arithmetic.
const CALLS = 0;
const SUCCESSES = 1;
const ERRORS = 2;
const REFUSED = 3;
const CANCELLED = 4;
const INPUT_TOKENS = 5;
const OUTPUT_TOKENS = 6;
const CACHED_INPUT_TOKENS = 7;
const CACHE_WRITE_TOKENS = 8;
const REASONING_TOKENS = 9;
const COST_USD = 10;
const SAVED_COST_USD = 11;
const CACHE_HITS = 12;
const FIELDS = 13;

type Interval = Map<string, Map<string, Float64Array>>;

/**
 * Usage per tenant, agent and interval, kept in memory within bounds: intervals older than
 * `retentionMs` are dropped, and past `maxEntries` the oldest intervals go first. What the server
 * reports at `GET /v1/usage`.
 */
export interface UsageTally {
  /** Counts an invocation that ended. */
  record(observed: ObservedInvocation): void;
  /** The tenant's usage in [from, to), widened to whole intervals. */
  report(tenant: string, from: number | undefined, to: number | undefined): UsageReport;
  /** Entries held now (one per tenant, agent and interval with calls). */
  readonly entries: number;
}

export function createUsageTally(options: ResolvedUsageOptions, now: () => number = Date.now): UsageTally {
  const { granularityMs, retentionMs, maxEntries } = options;
  // Interval start -> tenant -> agent -> figures. Map order is the order intervals began, which
  // is time order: calls end in time order, give or take a clock step.
  const intervals = new Map<number, Interval>();
  let entries = 0;
  // The interval calls are landing in now, so recording needs no lookup of it.
  let currentStart = Number.NaN;
  let current: Interval | undefined;
  // End of the newest interval dropped to stay within `maxEntries`: usage before it is gone.
  let evictedUntil = Number.NEGATIVE_INFINITY;

  const startOf = (time: number): number => time - (((time % granularityMs) + granularityMs) % granularityMs);
  /** Start of the oldest interval wholly inside the retention. */
  const horizonAt = (time: number): number => startOf(time - retentionMs) + granularityMs;

  function drop(start: number, interval: Interval): void {
    for (const agents of interval.values()) entries -= agents.size;
    intervals.delete(start);
    if (interval === current) {
      current = undefined;
      currentStart = Number.NaN;
    }
  }

  function dropExpired(time: number): void {
    const horizon = horizonAt(time);
    for (const [start, interval] of intervals) {
      if (start >= horizon) break;
      drop(start, interval);
    }
  }

  /** Drops the oldest intervals, never `keep`, until a new entry fits. */
  function makeRoom(keep: Interval): void {
    for (const [start, interval] of intervals) {
      if (entries < maxEntries || interval === keep) break;
      drop(start, interval);
      evictedUntil = Math.max(evictedUntil, start + granularityMs);
    }
  }

  function intervalAt(time: number): Interval {
    const start = startOf(time);
    if (start === currentStart && current !== undefined) return current;
    let interval = intervals.get(start);
    if (interval === undefined) {
      dropExpired(time);
      interval = new Map();
      intervals.set(start, interval);
    }
    if (!(start < currentStart)) {
      currentStart = start;
      current = interval;
    }
    return interval;
  }

  function figuresOf(interval: Interval, tenant: string, agent: string): Float64Array | undefined {
    let agents = interval.get(tenant);
    let figures = agents?.get(agent);
    if (figures !== undefined) return figures;
    if (entries >= maxEntries) makeRoom(interval);
    // Still full: every entry is in this one interval. The call goes uncounted rather than grow past the bound.
    if (entries >= maxEntries) return undefined;
    if (agents === undefined) interval.set(tenant, (agents = new Map()));
    agents.set(agent, (figures = new Float64Array(FIELDS)));
    entries++;
    return figures;
  }

  return {
    record(observed) {
      const { invocation, usage, result } = observed;
      const figures = figuresOf(intervalAt(observed.endedAt), invocation.tenant, invocation.agent);
      if (figures === undefined) return;
      figures[CALLS]!++;
      if (observed.errorCode === undefined) figures[SUCCESSES]!++;
      else {
        const outcome = usageOutcomeOf(observed.errorCode);
        figures[outcome === 'refused' ? REFUSED : outcome === 'cancelled' ? CANCELLED : ERRORS]!++;
      }
      if (usage !== undefined) {
        figures[INPUT_TOKENS]! += usage.inputTokens;
        figures[OUTPUT_TOKENS]! += usage.outputTokens;
        figures[CACHED_INPUT_TOKENS]! += usage.cachedInputTokens;
        figures[CACHE_WRITE_TOKENS]! += usage.cacheWriteTokens;
        figures[REASONING_TOKENS]! += usage.reasoningTokens;
        figures[COST_USD]! += usage.costUsd;
      }
      if (result?.cache.hit === true) {
        figures[CACHE_HITS]!++;
        figures[SAVED_COST_USD]! += result.cache.savedCostUsd ?? 0;
      }
    },
    report(tenant, from, to) {
      const time = now();
      dropExpired(time);
      const retainedSince = Math.max(horizonAt(time), evictedUntil);
      const windowFrom = startOf(from ?? retainedSince);
      const windowTo = to === undefined ? startOf(time) + granularityMs : Math.max(windowFrom, ceilTo(to, granularityMs));
      const totals = new Float64Array(FIELDS);
      const byAgent = new Map<string, Float64Array>();
      for (const [start, interval] of intervals) {
        if (start < windowFrom || start >= windowTo) continue;
        const agents = interval.get(tenant);
        if (agents === undefined) continue;
        for (const [agent, figures] of agents) {
          let sum = byAgent.get(agent);
          if (sum === undefined) byAgent.set(agent, (sum = new Float64Array(FIELDS)));
          for (let field = 0; field < FIELDS; field++) {
            sum[field]! += figures[field]!;
            totals[field]! += figures[field]!;
          }
        }
      }
      const agents: AgentUsage[] = [...byAgent.keys()].sort().map((agent) => ({ agent, ...figuresBody(byAgent.get(agent)!) }));
      return {
        tenant,
        from: new Date(windowFrom).toISOString(),
        to: new Date(windowTo).toISOString(),
        granularityMs,
        retainedSince: new Date(retainedSince).toISOString(),
        totals: figuresBody(totals),
        agents,
      };
    },
    get entries() {
      return entries;
    },
  };
}

function ceilTo(time: number, step: number): number {
  const remainder = ((time % step) + step) % step;
  return remainder === 0 ? time : time - remainder + step;
}

function figuresBody(figures: Float64Array): UsageFigures {
  return {
    calls: figures[CALLS]!,
    successes: figures[SUCCESSES]!,
    errors: figures[ERRORS]!,
    refused: figures[REFUSED]!,
    cancelled: figures[CANCELLED]!,
    inputTokens: figures[INPUT_TOKENS]!,
    outputTokens: figures[OUTPUT_TOKENS]!,
    cachedInputTokens: figures[CACHED_INPUT_TOKENS]!,
    cacheWriteTokens: figures[CACHE_WRITE_TOKENS]!,
    reasoningTokens: figures[REASONING_TOKENS]!,
    // Sums of prices drift in the last digits (0.1 + 0.2); nobody bills below a billionth of a dollar.
    costUsd: roundUsd(figures[COST_USD]!),
    savedCostUsd: roundUsd(figures[SAVED_COST_USD]!),
    cacheHits: figures[CACHE_HITS]!,
  };
}

function roundUsd(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
