import { formatCount, formatMs, formatPercent, formatUsd } from './format-usage';
import type { UsageKpis, UsageSummary } from './summarize-usage';

/** Options of {@link renderUsageHtml}. */
export interface RenderUsageHtmlOptions {
  /** Page title. @default 'Agentry usage report' */
  title?: string;
  /** Shown under the title, e.g. the source file. */
  subtitle?: string;
}

interface Segment {
  value: number;
  className: string;
  label: string;
}

interface ChartRow {
  label: string;
  segments: Segment[];
  /** Text after the bar. */
  caption: string;
}

const labelWidth = 220;
const barWidth = 440;
const captionWidth = 130;
const rowHeight = 22;
const barHeight = 14;

/**
 * Renders a usage summary as one self-contained HTML page: KPI tiles, charts as inline SVG and
 * the full table. No script, font or image is fetched, so the file works offline and attached
 * to a ticket.
 *
 * @example
 * await writeFile('usage.html', renderUsageHtml(summarizeUsage(records)));
 */
export function renderUsageHtml(summary: UsageSummary, options: RenderUsageHtmlOptions = {}): string {
  const title = options.title ?? 'Agentry usage report';
  const rows = summary.rows;
  const name = (row: UsageKpis): string => `${row.tenant} / ${row.agent}`;
  const period = summary.from === null ? 'no records' : `${summary.from} to ${summary.to}`;
  const charts = [
    chart(
      'Calls by outcome',
      rows.map((row) => ({
        label: name(row),
        segments: [
          { value: row.successes, className: 'success', label: 'success' },
          { value: row.errors, className: 'error', label: 'error' },
          { value: row.refused, className: 'refused', label: 'refused' },
          { value: row.cancelled, className: 'cancelled', label: 'cancelled' },
        ],
        caption: `${formatCount(row.calls)} calls`,
      })),
      ['success', 'error', 'refused', 'cancelled'],
    ),
    chart(
      'Cost (USD)',
      rows.map((row) => ({
        label: name(row),
        segments: [{ value: row.costUsd, className: 'cost', label: 'cost' }],
        caption: formatUsd(row.costUsd),
      })),
      [],
    ),
    chart(
      'Latency p50 and p95 (ms)',
      rows.flatMap((row) => [
        { label: `${name(row)} p50`, segments: [{ value: row.latencyP50Ms, className: 'p50', label: 'p50' }], caption: formatMs(row.latencyP50Ms) },
        { label: `${name(row)} p95`, segments: [{ value: row.latencyP95Ms, className: 'p95', label: 'p95' }], caption: formatMs(row.latencyP95Ms) },
      ]),
      [],
    ),
    chart(
      'Cache hit ratio and eval pass rate',
      rows.flatMap((row) => [
        { label: `${name(row)} cache`, segments: [{ value: row.cacheHitRatio, className: 'cache', label: 'cache hit' }], caption: formatPercent(row.cacheHitRatio) },
        { label: `${name(row)} evals`, segments: [{ value: row.evalPassRate ?? 0, className: 'evals', label: 'eval pass' }], caption: formatPercent(row.evalPassRate) },
      ]),
      [],
      1,
    ),
  ];
  const total = summary.total;
  const tiles = [
    ['Calls', formatCount(total.calls)],
    ['Success rate', formatPercent(total.calls === 0 ? null : total.successRate)],
    ['p95 latency', `${formatMs(total.latencyP95Ms)} ms`],
    ['Cost', formatUsd(total.costUsd)],
    ['Cache hit ratio', formatPercent(total.calls === 0 ? null : total.cacheHitRatio)],
    ['Eval pass rate', formatPercent(total.evalPassRate)],
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${styles}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="muted">${escapeHtml(options.subtitle ? `${options.subtitle} · ${period}` : period)}</p>
<section class="tiles">${tiles.map(([label, value]) => `<div class="tile"><div class="muted">${escapeHtml(label!)}</div><div class="value">${escapeHtml(value!)}</div></div>`).join('')}</section>
${charts.join('\n')}
<h2>Per tenant and agent</h2>
${table([...rows, ...summary.tenants, total])}
</body>
</html>
`;
}

function chart(title: string, rows: readonly ChartRow[], legend: readonly string[], fixedMax?: number): string {
  const max = fixedMax ?? Math.max(0, ...rows.map((row) => row.segments.reduce((sum, segment) => sum + segment.value, 0)));
  const height = Math.max(1, rows.length) * rowHeight + 8;
  const width = labelWidth + barWidth + captionWidth;
  const bars = rows
    .map((row, index) => {
      const y = 4 + index * rowHeight;
      let x = labelWidth;
      const rects = row.segments
        .filter((segment) => segment.value > 0 && max > 0)
        .map((segment) => {
          const w = Math.max(1, (segment.value / max) * barWidth);
          const rect = `<rect class="${segment.className}" x="${x.toFixed(1)}" y="${y + 2}" width="${w.toFixed(1)}" height="${barHeight}"><title>${escapeHtml(`${row.label}: ${segment.label} ${formatNumber(segment.value)}`)}</title></rect>`;
          x += w;
          return rect;
        })
        .join('');
      return `<text x="${labelWidth - 8}" y="${y + 14}" text-anchor="end">${escapeHtml(truncate(row.label, 32))}</text>${rects}<text x="${labelWidth + barWidth + 8}" y="${y + 14}">${escapeHtml(row.caption)}</text>`;
    })
    .join('\n');
  const legendHtml = legend.length === 0 ? '' : `<p class="legend">${legend.map((item) => `<span class="swatch ${item}"></span>${escapeHtml(item)}`).join(' ')}</p>`;
  const empty = rows.length === 0 ? `<text x="8" y="18">no data</text>` : '';
  return `<section class="chart"><h2>${escapeHtml(title)}</h2>${legendHtml}<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${empty}${bars}</svg></section>`;
}

function table(rows: readonly UsageKpis[]): string {
  const head = ['Tenant', 'Agent', 'Calls', 'Success', 'p50 ms', 'p95 ms', 'Tokens in', 'Tokens out', 'Cost', 'Cache hit', 'Eval pass'];
  const body = rows
    .map((row) =>
      [
        row.tenant,
        row.agent,
        formatCount(row.calls),
        formatPercent(row.calls === 0 ? null : row.successRate),
        formatMs(row.latencyP50Ms),
        formatMs(row.latencyP95Ms),
        formatCount(row.inputTokens),
        formatCount(row.outputTokens),
        formatUsd(row.costUsd),
        formatPercent(row.calls === 0 ? null : row.cacheHitRatio),
        formatPercent(row.evalPassRate),
      ]
        .map((cell, index) => `<td${index > 1 ? ' class="num"' : ''}>${escapeHtml(cell)}</td>`)
        .join(''),
    )
    .map((cells) => `<tr>${cells}</tr>`)
    .join('\n');
  return `<table><thead><tr>${head.map((cell) => `<th>${cell}</th>`).join('')}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(4);
}

const styles = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1f2328;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.muted{color:#59636e}
.tiles{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.tile{border:1px solid #d1d9e0;border-radius:6px;padding:10px 14px;min-width:130px}
.tile .value{font-size:20px;font-weight:600}
svg text{font-size:12px;fill:#1f2328}
rect.success{fill:#2da44e}rect.error{fill:#cf222e}rect.refused{fill:#bf8700}rect.cancelled{fill:#8c959f}
rect.cost{fill:#0969da}rect.p50{fill:#54aeff}rect.p95{fill:#0550ae}rect.cache{fill:#8250df}rect.evals{fill:#1a7f37}
.legend{margin:0 0 4px;font-size:12px}.swatch{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;border-radius:2px}
.swatch.success{background:#2da44e}.swatch.error{background:#cf222e}.swatch.refused{background:#bf8700}.swatch.cancelled{background:#8c959f}
table{border-collapse:collapse;font-size:13px}th,td{border-bottom:1px solid #d1d9e0;padding:4px 10px;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
`;
