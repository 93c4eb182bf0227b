import { AgentryError } from '../../contract';
import type { Invocation } from '../../core/invocation';
import { limitToMicroUsd } from './micro-usd';

/** The window spend is counted over: the UTC calendar day, the UTC calendar month, or fixed windows of so many ms. */
export type BudgetPeriod = 'day' | 'month' | number;

/** A cost envelope. */
export interface BudgetLimit {
  period: BudgetPeriod;
  /** Spend at which calls are refused, in US dollars. */
  hardUsd: number;
  /** Spend past which calls carry an `AGENTRY_BUDGET_SOFT_LIMIT` warning, in US dollars. */
  softUsd?: number;
}

/** The envelopes of one tenant: the tenant's own, and optionally each subject's and each run's. */
export interface TenantBudget extends BudgetLimit {
  /** Envelope of every subject (end user) of the tenant, counted separately per subject. */
  subject?: BudgetLimit;
  /**
   * Envelope of one run: the invocations sharing the metadata label named by `runKey` (or a
   * single invocation when it has none).
   */
  run?: {
    hardUsd: number;
    softUsd?: number;
    /** How long a run's spend is remembered, in ms. @default 86400000 (24 h) */
    ttlMs?: number;
  };
}

/**
 * Budgets by tenant id (`'*'` applies to tenants not listed), or a function that returns the
 * budget of an invocation. A tenant without a budget is not limited.
 */
export type BudgetLimits = Readonly<Record<string, TenantBudget>> | ((invocation: Invocation) => TenantBudget | undefined);

/** One counter a call is reserved against. */
export interface BudgetScope {
  kind: 'tenant' | 'subject' | 'run';
  /** Counter key, including the period window. */
  key: string;
  hardMicros: number;
  softMicros: number | undefined;
  ttlMs: number;
  /** `tenant acme`, `subject u-1 of tenant acme`, `run r-9 of tenant acme`. */
  description: string;
  /** `day`, `month`, `3600000 ms` or `run`. */
  periodLabel: string;
  /** Serialisable facts for error details. */
  details: Record<string, string | number>;
}

/** Picks the tenant's budget from the configured limits. */
export function budgetOf(limits: BudgetLimits, invocation: Invocation): TenantBudget | undefined {
  if (typeof limits === 'function') return limits(invocation);
  return Object.hasOwn(limits, invocation.tenant) ? limits[invocation.tenant] : limits['*'];
}

/** Resolves the counters (tenant, subject, run) a call must fit in, for the window containing `now`. */
export function resolveBudgetScopes(
  budget: TenantBudget,
  invocation: Invocation,
  context: { now: number; keyPrefix: string; runKey: string; windowOf?: typeof windowOf; tenantScopes?: TenantScopeCache },
): BudgetScope[] {
  const window = context.windowOf ?? windowOf;
  const tenant = invocation.tenant;
  const where = `budget of tenant ${tenant}`;
  const scopes: BudgetScope[] = [];
  const tenantWindow = window(budget.period, context.now, `budget of tenant ${tenant}: \`period\``);
  const cached = context.tenantScopes?.get(tenant);
  if (
    cached !== undefined &&
    cached.windowId === tenantWindow.id &&
    cached.keyPrefix === context.keyPrefix &&
    cached.hardUsd === budget.hardUsd &&
    cached.softUsd === budget.softUsd
  ) {
    scopes.push({ ...cached.scope, ttlMs: tenantWindow.ttlMs });
  } else {
    const scope: BudgetScope = {
      kind: 'tenant',
      key: `${context.keyPrefix}:${tenant}:tenant:${tenantWindow.id}`,
      ...amounts(budget, where),
      ttlMs: tenantWindow.ttlMs,
      description: `tenant ${tenant}`,
      periodLabel: tenantWindow.label,
      details: { scope: 'tenant', tenant, period: tenantWindow.label, window: tenantWindow.id },
    };
    context.tenantScopes?.set(tenant, { windowId: tenantWindow.id, keyPrefix: context.keyPrefix, hardUsd: budget.hardUsd, softUsd: budget.softUsd, scope });
    scopes.push(scope);
  }
  if (budget.subject !== undefined && invocation.subject !== undefined) {
    const subjectWindow = window(budget.subject.period, context.now, `${where}: \`subject.period\``);
    scopes.push({
      kind: 'subject',
      key: `${context.keyPrefix}:${tenant}:subject:${invocation.subject}:${subjectWindow.id}`,
      ...amounts(budget.subject, `${where}: subject`),
      ttlMs: subjectWindow.ttlMs,
      description: `subject ${invocation.subject} of tenant ${tenant}`,
      periodLabel: subjectWindow.label,
      details: { scope: 'subject', tenant, subject: invocation.subject, period: subjectWindow.label, window: subjectWindow.id },
    });
  }
  if (budget.run !== undefined) {
    const run = invocation.metadata[context.runKey] ?? invocation.id;
    scopes.push({
      kind: 'run',
      key: `${context.keyPrefix}:${tenant}:run:${run}`,
      ...amounts(budget.run, `${where}: run`),
      ttlMs: budget.run.ttlMs ?? 86_400_000,
      description: `run ${run} of tenant ${tenant}`,
      periodLabel: 'run',
      details: { scope: 'run', tenant, run, period: 'run' },
    });
  }
  return scopes;
}

/**
 * Checks a budget table up front, so a typo fails at startup instead of on the first call.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` naming the tenant and field.
 */
export function assertBudgetLimits(limits: BudgetLimits): void {
  if (typeof limits === 'function') return;
  if (typeof limits !== 'object' || limits === null) throw invalid('`limits` must be an object of budgets by tenant, or a function');
  for (const [tenant, budget] of Object.entries(limits)) {
    const where = `budget of tenant ${tenant}`;
    windowOf(budget?.period, 0, `${where}: \`period\``);
    amounts(budget, where);
    if (budget.subject !== undefined) {
      windowOf(budget.subject.period, 0, `${where}: \`subject.period\``);
      amounts(budget.subject, `${where}: subject`);
    }
    if (budget.run !== undefined) amounts(budget.run, `${where}: run`);
  }
}

function amounts(limit: { hardUsd: number; softUsd?: number }, where: string): { hardMicros: number; softMicros: number | undefined } {
  if (typeof limit.hardUsd !== 'number' || !Number.isFinite(limit.hardUsd) || limit.hardUsd < 0) {
    throw invalid(`${where}: \`hardUsd\` must be a non-negative number of US dollars, got ${String(limit.hardUsd)}`);
  }
  if (limit.softUsd !== undefined && (!Number.isFinite(limit.softUsd) || limit.softUsd < 0)) {
    throw invalid(`${where}: \`softUsd\` must be a non-negative number of US dollars, got ${String(limit.softUsd)}`);
  }
  return { hardMicros: limitToMicroUsd(limit.hardUsd), softMicros: limit.softUsd === undefined ? undefined : limitToMicroUsd(limit.softUsd) };
}

/** The window of `period` that contains `now`: its id (part of the counter key), label and remaining lifetime. */
export function windowOf(period: BudgetPeriod | undefined, now: number, where = 'period'): { id: string; label: string; ttlMs: number } {
  const window = windowBounds(period, now, where);
  return { id: window.id, label: window.label, ttlMs: window.end - now + windowSlackMs };
}

// A minute of slack so a settlement that lands just after the window ends still finds the counter.
const windowSlackMs = 60_000;

/** A period window: `[start, end)` in epoch ms. */
interface WindowBounds {
  id: string;
  label: string;
  start: number;
  end: number;
}

function windowBounds(period: BudgetPeriod | undefined, now: number, where: string): WindowBounds {
  if (period === 'day' || period === 'month') {
    const date = new Date(now);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth();
    if (period === 'day') {
      const start = Date.UTC(year, month, date.getUTCDate());
      return { id: date.toISOString().slice(0, 10), label: 'day', start, end: Date.UTC(year, month, date.getUTCDate() + 1) };
    }
    return { id: date.toISOString().slice(0, 7), label: 'month', start: Date.UTC(year, month, 1), end: Date.UTC(year, month + 1, 1) };
  }
  if (typeof period === 'number' && Number.isInteger(period) && period > 0) {
    const index = Math.floor(now / period);
    return { id: `${period}ms:${index}`, label: `${period} ms`, start: index * period, end: (index + 1) * period };
  }
  throw invalid(`${where} must be 'day', 'month' or a positive whole number of milliseconds, got ${JSON.stringify(period)}`);
}

/**
 * {@link windowOf} remembering the last window of each period, so calls within a window skip
 * the date arithmetic. One per middleware.
 */
export function createWindowCache(): typeof windowOf {
  const last = new Map<BudgetPeriod, WindowBounds>();
  return (period, now, where = 'period') => {
    let window = period === undefined ? undefined : last.get(period);
    if (window === undefined || !(now >= window.start && now < window.end)) {
      window = windowBounds(period, now, where);
      // Periods are few ('day', 'month' and the fixed lengths configured): this stays small.
      last.set(period!, window);
    }
    return { id: window.id, label: window.label, ttlMs: window.end - now + windowSlackMs };
  };
}

/** A tenant scope as built for one window and one set of amounts. */
interface CachedTenantScope {
  windowId: string;
  keyPrefix: string;
  hardUsd: number;
  softUsd: number | undefined;
  scope: BudgetScope;
}

/**
 * Each tenant's last tenant scope, reused while its window and amounts stay the same (a limit
 * changed in place is seen at once): the key, description and details are built once per window
 * rather than per call, and the key stays one string, whose hash the counter store's Map keeps.
 * Details are shared; nothing mutates them.
 */
export interface TenantScopeCache {
  get(tenant: string): CachedTenantScope | undefined;
  set(tenant: string, entry: CachedTenantScope): void;
}

/** A {@link TenantScopeCache} holding at most `maxTenants` tenants (all are dropped past it). */
export function createTenantScopeCache(maxTenants = 10_000): TenantScopeCache {
  const entries = new Map<string, CachedTenantScope>();
  return {
    get: (tenant) => entries.get(tenant),
    set(tenant, entry) {
      if (entries.size >= maxTenants) entries.clear();
      entries.set(tenant, entry);
    },
  };
}

function invalid(message: string): AgentryError {
  return new AgentryError('AGENTRY_INVALID_OPTIONS', `budgetMiddleware: ${message}`);
}
