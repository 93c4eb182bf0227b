import type { UsageRecord } from '../../contract/usage-event';

/** KPIs of a group of invocations (one tenant and agent, a tenant, or everything). */
export interface UsageKpis {
  tenant: string;
  /** The agent, or `*` for a tenant's or the overall total. */
  agent: string;
  calls: number;
  successes: number;
  errors: number;
  refused: number;
  cancelled: number;
  /** successes / calls. */
  successRate: number;
  /** Nearest-rank percentiles of latency over all calls, in ms. */
  latencyP50Ms: number;
  latencyP95Ms: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
  costUsd: number;
  /** What evaluating the calls cost (LLM judges), apart from `costUsd`. */
  evalCostUsd: number;
  savedCostUsd: number;
  cacheHits: number;
  /** cacheHits / calls. */
  cacheHitRatio: number;
  evalsTotal: number;
  evalsPassed: number;
  /** evalsPassed / evalsTotal, or null when nothing was evaluated. */
  evalPassRate: number | null;
}

/** The KPI summary `agentry report` prints: per tenant and agent, per tenant, and overall. */
export interface UsageSummary {
  /** Earliest and latest record timestamps, or null without records. */
  from: string | null;
  to: string | null;
  /** One row per tenant and agent, sorted by tenant then agent. */
  rows: UsageKpis[];
  /** One row per tenant (agent `*`). */
  tenants: UsageKpis[];
  /** Everything (tenant and agent `*`). */
  total: UsageKpis;
}

/**
 * Computes the KPI summary of usage records: calls, success rate, p50/p95 latency, tokens, cost,
 * cache hit ratio and eval pass rate, per tenant and agent.
 *
 * @example
 * const summary = summarizeUsage(sink.records());
 * console.log(formatUsageTable(summary));
 */
export function summarizeUsage(records: Iterable<UsageRecord>): UsageSummary {
  const byRow = new Map<string, UsageRecord[]>();
  const byTenant = new Map<string, UsageRecord[]>();
  const all: UsageRecord[] = [];
  let from: string | null = null;
  let to: string | null = null;
  for (const record of records) {
    all.push(record);
    push(byRow, `${record.tenant}\u0000${record.agent}`, record);
    push(byTenant, record.tenant, record);
    if (from === null || record.timestamp < from) from = record.timestamp;
    if (to === null || record.timestamp > to) to = record.timestamp;
  }
  const rows = [...byRow.values()].map((group) => kpis(group[0]!.tenant, group[0]!.agent, group));
  rows.sort((a, b) => compare(a.tenant, b.tenant) || compare(a.agent, b.agent));
  const tenants = [...byTenant.entries()].map(([tenant, group]) => kpis(tenant, '*', group));
  tenants.sort((a, b) => compare(a.tenant, b.tenant));
  return { from, to, rows, tenants, total: kpis('*', '*', all) };
}

function kpis(tenant: string, agent: string, records: readonly UsageRecord[]): UsageKpis {
  const row: UsageKpis = {
    tenant,
    agent,
    calls: records.length,
    successes: 0,
    errors: 0,
    refused: 0,
    cancelled: 0,
    successRate: 0,
    latencyP50Ms: 0,
    latencyP95Ms: 0,
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    evalCostUsd: 0,
    savedCostUsd: 0,
    cacheHits: 0,
    cacheHitRatio: 0,
    evalsTotal: 0,
    evalsPassed: 0,
    evalPassRate: null,
  };
  const latencies: number[] = [];
  for (const record of records) {
    if (record.outcome === 'success') row.successes++;
    else if (record.outcome === 'error') row.errors++;
    else if (record.outcome === 'refused') row.refused++;
    else row.cancelled++;
    latencies.push(record.latencyMs);
    row.inputTokens += record.inputTokens;
    row.outputTokens += record.outputTokens;
    row.cachedInputTokens += record.cachedInputTokens;
    row.reasoningTokens += record.reasoningTokens;
    row.costUsd += record.costUsd;
    row.evalCostUsd += record.evalCostUsd ?? 0;
    row.savedCostUsd += record.savedCostUsd ?? 0;
    if (record.cacheHit) row.cacheHits++;
    row.evalsTotal += record.evals.total;
    row.evalsPassed += record.evals.passed;
  }
  latencies.sort((a, b) => a - b);
  row.latencyP50Ms = percentile(latencies, 0.5);
  row.latencyP95Ms = percentile(latencies, 0.95);
  row.successRate = ratio(row.successes, row.calls);
  row.cacheHitRatio = ratio(row.cacheHits, row.calls);
  row.evalPassRate = row.evalsTotal === 0 ? null : row.evalsPassed / row.evalsTotal;
  return row;
}

/** Nearest-rank percentile of sorted values: the smallest value with at least `p` of values at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

function push<Key>(map: Map<Key, UsageRecord[]>, key: Key, record: UsageRecord): void {
  const group = map.get(key);
  if (group === undefined) map.set(key, [record]);
  else group.push(record);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
