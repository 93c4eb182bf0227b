import { formatCount, formatMs, formatPercent, formatUsd } from './format-usage';
import type { UsageKpis, UsageSummary } from './summarize-usage';

const columns: ReadonlyArray<{ title: string; value: (row: UsageKpis) => string; left?: boolean }> = [
  { title: 'TENANT', value: (row) => row.tenant, left: true },
  { title: 'AGENT', value: (row) => row.agent, left: true },
  { title: 'CALLS', value: (row) => formatCount(row.calls) },
  { title: 'SUCCESS', value: (row) => formatPercent(row.calls === 0 ? null : row.successRate) },
  { title: 'P50 MS', value: (row) => formatMs(row.latencyP50Ms) },
  { title: 'P95 MS', value: (row) => formatMs(row.latencyP95Ms) },
  { title: 'TOKENS IN', value: (row) => formatCount(row.inputTokens) },
  { title: 'TOKENS OUT', value: (row) => formatCount(row.outputTokens) },
  { title: 'COST', value: (row) => formatUsd(row.costUsd) },
  { title: 'EVAL COST', value: (row) => formatUsd(row.evalCostUsd) },
  { title: 'CACHE HIT', value: (row) => formatPercent(row.calls === 0 ? null : row.cacheHitRatio) },
  { title: 'EVAL PASS', value: (row) => formatPercent(row.evalPassRate) },
];

/**
 * Renders a usage summary as an aligned plain-text table: one line per tenant and agent, then
 * the total. Text columns are left-aligned, numbers right-aligned.
 *
 * @example
 * process.stdout.write(formatUsageTable(summarizeUsage(records)));
 */
export function formatUsageTable(summary: UsageSummary): string {
  const body = summary.rows.map((row) => columns.map((column) => column.value(row)));
  const total = columns.map((column) => column.value(summary.total));
  total[0] = 'TOTAL';
  total[1] = '';
  const header = columns.map((column) => column.title);
  const widths = columns.map((_column, index) => Math.max(...[header, ...body, total].map((cells) => cells[index]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, index) => (columns[index]!.left ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...body.map(line), rule, line(total)].join('\n') + '\n';
}
