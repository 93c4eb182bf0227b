import { describe, expect, it } from 'vitest';
import { usageRecord } from './meter-test-kit';
import { formatUsageTable } from './format-usage-table';
import { renderUsageHtml } from './render-usage-html';
import { percentile, summarizeUsage } from './summarize-usage';


const records = [
  ...Array.from({ length: 20 }, (_unused, index) =>
    usageRecord({ latencyMs: (index + 1) * 10, costUsd: 0.5, cacheHit: index < 5, evals: { total: 2, passed: index < 10 ? 2 : 1, errored: 0, failed: index < 10 ? [] : ['x'] } }),
  ),
  usageRecord({ agent: 'summarize', outcome: 'refused', errorCode: 'AGENTRY_BUDGET_EXCEEDED', costUsd: 0, latencyMs: 1 }),
  usageRecord({ tenant: 'beta', agent: 'summarize', outcome: 'error', errorCode: 'AGENTRY_TIMEOUT', latencyMs: 5000 }),
  usageRecord({ tenant: 'beta', agent: 'summarize', timestamp: '2025-02-01T00:00:00.000Z' }),
];

describe('summarizeUsage', () => {
  it('computes calls, success rate, nearest-rank p50/p95, tokens, cost, cache hit and eval pass rate per tenant and agent', () => {
    const summary = summarizeUsage(records);
    expect(summary.rows.map((row) => `${row.tenant}/${row.agent}`)).toEqual(['acme/echo', 'acme/summarize', 'beta/summarize']);
    expect(summary.rows[0]).toMatchObject({
      calls: 20,
      successes: 20,
      successRate: 1,
      latencyP50Ms: 100,
      latencyP95Ms: 190,
      inputTokens: 200,
      outputTokens: 100,
      cacheHits: 5,
      cacheHitRatio: 0.25,
      evalsTotal: 40,
      evalsPassed: 30,
      evalPassRate: 0.75,
    });
    expect(summary.rows[0]!.costUsd).toBeCloseTo(10);
    expect(summary.rows[1]).toMatchObject({ calls: 1, refused: 1, successRate: 0, evalPassRate: null });
    expect(summary.rows[2]).toMatchObject({ calls: 2, errors: 1, successes: 1, successRate: 0.5 });
    expect(summary.tenants.map((row) => [row.tenant, row.calls])).toEqual([['acme', 21], ['beta', 2]]);
    expect(summary.total.calls).toBe(23);
    expect(summary.from).toBe('2025-01-01T00:00:00.000Z');
    expect(summary.to).toBe('2025-02-01T00:00:00.000Z');
  });

  it('percentile follows the nearest-rank definition and is 0 for no values', () => {
    expect(percentile([], 0.5)).toBe(0);
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([1, 2, 3, 4], 0.95)).toBe(4);
  });
});

describe('formatUsageTable', () => {
  it('aligns every column: each cell starts at the same offset on every line', () => {
    const table = formatUsageTable(summarizeUsage(records));
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TENANT\s+AGENT\s+CALLS\s+SUCCESS\s+P50 MS\s+P95 MS\s+TOKENS IN\s+TOKENS OUT\s+COST\s+EVAL COST\s+CACHE HIT\s+EVAL PASS$/);
    expect(lines.at(-1)).toMatch(/^TOTAL\s+23\s+91\.3%/);
    const ruleWidth = lines[1]!.length;
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(ruleWidth);
    // Right-aligned numeric columns end at the same column as the header.
    const evalEnd = lines[0]!.length;
    expect(lines[2]!.length).toBe(evalEnd);
    expect(lines[2]).toContain('75.0%');
    expect(lines[3]).toMatch(/acme\s+summarize\s+1\s+0\.0%/);
  });
});

describe('renderUsageHtml', () => {
  it('renders a self-contained page with inline SVG charts and no external resource or script', () => {
    const html = renderUsageHtml(summarizeUsage([...records, usageRecord({ tenant: '<script>alert(1)</script>' })]), { subtitle: 'usage.jsonl' });
    expect(html).toMatch(/^<!doctype html>/);
    expect((html.match(/<svg /g) ?? []).length).toBe(4);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/\b(src|href)=/);
    expect(html.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:\/\//);
    expect(html).toContain('acme / echo');
  });
});
