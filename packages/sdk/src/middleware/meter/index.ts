export { meterMiddleware, summarizeEvals, type MeterMiddleware, type MeterOptions } from './meter-middleware';
export { createUsageExporter, type UsageExporter, type UsageExporterOptions, type UsageExporterStats } from './usage-exporter';
export type { UsageSink } from './usage-sink';
export { usageOutcomeOf } from './usage-outcome';
export { createMemoryUsageSink, type MemoryUsageSink, type MemoryUsageSinkOptions } from './memory-usage-sink';
export { createAppendLogUsageSink, type AppendLogUsageSinkOptions } from './append-log-usage-sink';
export { summarizeUsage, percentile, type UsageKpis, type UsageSummary } from './summarize-usage';
export { formatUsageTable } from './format-usage-table';
export { renderUsageHtml, type RenderUsageHtmlOptions } from './render-usage-html';
export { parseUsageRecords, type MalformedUsageLine } from './parse-usage-records';
// Node only (node:fs): kept out of this index so the root entry stays loadable in browsers and at the edge.
// Import it from './json-lines-usage-sink' (the lead decides the public subpath).
