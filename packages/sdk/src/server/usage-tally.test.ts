import { describe, expect, it } from 'vitest';
import type { ErrorCode, InvokeResult } from '../contract';
import type { Invocation } from '../core/invocation';
import type { ObservedInvocation } from './observed-events';
import { createUsageTally } from './usage-tally';

const minute = 60_000;
const start = Date.parse('2025-06-01T10:00:00Z');

function call(endedAt: number, options: { tenant?: string; agent?: string; errorCode?: ErrorCode; tokens?: number; costUsd?: number; cacheHit?: boolean } = {}): ObservedInvocation {
  const usage = { inputTokens: options.tokens ?? 0, outputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUsd: options.costUsd ?? 0, latencyMs: 1, modelCalls: 1 };
  const invocation = { tenant: options.tenant ?? 'acme', agent: options.agent ?? 'echo', mode: 'invoke' } as Invocation;
  const result =
    options.errorCode === undefined
      ? ({ usage, cache: { hit: options.cacheHit ?? false, ...(options.cacheHit ? { savedCostUsd: 0.5 } : {}) } } as unknown as InvokeResult)
      : undefined;
  return { invocation, result, usage, errorCode: options.errorCode, endedAt };
}

describe('createUsageTally', () => {
  it('adds up calls, outcomes, tokens, cost and cache hits per agent, and totals them', () => {
    const tally = createUsageTally({ retentionMs: 86_400_000, granularityMs: minute, maxEntries: 100 }, () => start + 5 * minute);
    tally.record(call(start, { tokens: 10, costUsd: 0.1 }));
    tally.record(call(start + 1_000, { tokens: 5, costUsd: 0.2 }));
    tally.record(call(start + minute, { agent: 'summarize', cacheHit: true }));
    tally.record(call(start + minute, { agent: 'summarize', errorCode: 'AGENTRY_HANDLER_FAILED' }));
    tally.record(call(start + minute, { agent: 'summarize', errorCode: 'AGENTRY_BUDGET_EXCEEDED' }));
    tally.record(call(start + minute, { agent: 'summarize', errorCode: 'AGENTRY_CANCELLED' }));
    const report = tally.report('acme', undefined, undefined);
    expect(report.agents.map((agent) => agent.agent)).toEqual(['echo', 'summarize']);
    expect(report.agents[0]).toMatchObject({ calls: 2, successes: 2, inputTokens: 15, outputTokens: 2, costUsd: 0.3 });
    expect(report.agents[1]).toMatchObject({ calls: 4, successes: 1, errors: 1, refused: 1, cancelled: 1, cacheHits: 1, savedCostUsd: 0.5 });
    expect(report.totals).toMatchObject({ calls: 6, successes: 3, inputTokens: 15, costUsd: 0.3, cacheHits: 1 });
  });

  it("reports one tenant's usage only", () => {
    const tally = createUsageTally({ retentionMs: 86_400_000, granularityMs: minute, maxEntries: 100 }, () => start);
    tally.record(call(start, { tenant: 'acme' }));
    tally.record(call(start, { tenant: 'globex', agent: 'secret-agent' }));
    const report = tally.report('acme', undefined, undefined);
    expect(report.tenant).toBe('acme');
    expect(report.agents.map((agent) => agent.agent)).toEqual(['echo']);
    expect(tally.report('initech', undefined, undefined)).toMatchObject({ totals: { calls: 0 }, agents: [] });
  });

  it('counts the intervals a window touches, widened to whole intervals', () => {
    const tally = createUsageTally({ retentionMs: 86_400_000, granularityMs: minute, maxEntries: 100 }, () => start + 10 * minute);
    tally.record(call(start + 30_000));
    tally.record(call(start + minute + 30_000));
    tally.record(call(start + 2 * minute + 30_000));
    const middle = tally.report('acme', start + minute + 10_000, start + minute + 20_000);
    expect(middle).toMatchObject({ from: '2025-06-01T10:01:00.000Z', to: '2025-06-01T10:02:00.000Z', granularityMs: minute, totals: { calls: 1 } });
    expect(tally.report('acme', start + minute, start + 3 * minute).totals.calls).toBe(2);
    expect(tally.report('acme', start + 3 * minute, undefined).totals.calls).toBe(0);
    expect(tally.report('acme', undefined, start).totals.calls).toBe(0);
  });

  it('forgets usage older than the retention, and says from when it holds usage', () => {
    let now = start;
    const tally = createUsageTally({ retentionMs: 10 * minute, granularityMs: minute, maxEntries: 100 }, () => now);
    tally.record(call(start));
    now = start + 30 * minute;
    tally.record(call(now));
    const report = tally.report('acme', start - minute, undefined);
    expect(report.totals.calls).toBe(1);
    expect(report.retainedSince).toBe('2025-06-01T10:21:00.000Z');
    expect(tally.entries).toBe(1);
  });

  it('stays within maxEntries by dropping the oldest intervals first, and moves retainedSince past them', () => {
    const tally = createUsageTally({ retentionMs: 86_400_000, granularityMs: minute, maxEntries: 2 }, () => start + 10 * minute);
    tally.record(call(start, { agent: 'a' }));
    tally.record(call(start + minute, { agent: 'b' }));
    tally.record(call(start + 2 * minute, { agent: 'c' }));
    expect(tally.entries).toBe(2);
    const report = tally.report('acme', undefined, undefined);
    expect(report.agents.map((agent) => agent.agent)).toEqual(['b', 'c']);
    expect(report.retainedSince).toBe('2025-06-01T10:01:00.000Z');
  });

  it('never grows past maxEntries inside one interval: calls of new tenants or agents go uncounted', () => {
    const tally = createUsageTally({ retentionMs: 86_400_000, granularityMs: minute, maxEntries: 2 }, () => start);
    tally.record(call(start, { agent: 'a' }));
    tally.record(call(start, { agent: 'b' }));
    tally.record(call(start, { agent: 'c' }));
    tally.record(call(start, { agent: 'a' }));
    expect(tally.entries).toBe(2);
    expect(tally.report('acme', undefined, undefined).agents.map((agent) => [agent.agent, agent.calls])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });
});
