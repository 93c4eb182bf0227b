import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatUsageTable } from '../../middleware/meter/format-usage-table';
import { parseUsageRecords } from '../../middleware/meter/parse-usage-records';
import { renderUsageHtml } from '../../middleware/meter/render-usage-html';
import { summarizeUsage } from '../../middleware/meter/summarize-usage';
import { appendLogPages } from '../../stores/append-log';
import type { CommandIo } from '../io';
import { withoutPassword } from '../url-without-password';

export const reportUsage = `Usage: agentry report [--file usage.jsonl | --redis redis://host:6379 [--log usage] [--key-prefix agentry:]]
                      [--json] [--html out.html] [--tenant T] [--agent A] [--since ISO] [--until ISO]

Summarises metered usage (the JSON Lines a meter's file sink writes, or the Redis usage ledger an
append-log sink writes) per tenant and agent: calls, success rate, p50/p95 latency, tokens, cost,
cache hit ratio and eval pass rate.

  --file    usage records to read (default: usage.jsonl)
  --redis   read the ledger from Redis instead (createAppendLogUsageSink on createRedisAppendLog)
  --log     the ledger's name (default: usage); --key-prefix the store's prefix (default: agentry:)
  --json    print the summary as JSON instead of a table
  --html    also write a self-contained HTML page with charts to this file
  --tenant, --agent, --since, --until   keep only matching records (times are ISO 8601)

Malformed lines are skipped and counted on stderr. Exit 0 on success, 2 when the file cannot be read.
`;

/** `agentry report`: the KPI summary of a usage file as a table, JSON or an HTML page. Resolves with the exit code. */
export async function runReportCommand(argv: string[], io: Pick<CommandIo, 'stdout' | 'stderr'>): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      file: { type: 'string' },
      redis: { type: 'string' },
      log: { type: 'string', default: 'usage' },
      'key-prefix': { type: 'string' },
      json: { type: 'boolean', default: false },
      html: { type: 'string' },
      tenant: { type: 'string' },
      agent: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(reportUsage);
    return 0;
  }
  for (const field of ['since', 'until'] as const) {
    if (values[field] !== undefined && Number.isNaN(Date.parse(values[field]!))) {
      io.stderr.write(`agentry report: --${field} must be an ISO 8601 time, got "${values[field]}"\n`);
      return 2;
    }
  }
  if (values.file !== undefined && values.redis !== undefined) {
    io.stderr.write('agentry report: give --file or --redis, not both\n');
    return 2;
  }
  const source = values.redis === undefined ? (values.file ?? 'usage.jsonl') : `${withoutPassword(values.redis)} (log ${values.log})`;
  let text: string;
  try {
    text = values.redis === undefined ? await readFile(source, 'utf8') : await readRedisLedger(values.redis, values.log, values['key-prefix']);
  } catch (error) {
    io.stderr.write(
      values.redis === undefined
        ? `agentry report: cannot read ${source}: ${(error as Error).message}\n  hint: write usage with meterMiddleware({ sink: createJsonLinesUsageSink({ path }) }) or pass --file\n`
        : `agentry report: cannot read the usage ledger from ${source}: ${(error as Error).message}\n  hint: check the URL, and that the meter writes with createAppendLogUsageSink({ log: createRedisAppendLog(...) })\n`,
    );
    return 2;
  }
  const { records, malformed } = parseUsageRecords(text);
  if (malformed.length > 0) {
    const first = malformed[0]!;
    io.stderr.write(`agentry report: skipped ${malformed.length} malformed line${malformed.length === 1 ? '' : 's'} of ${source} (first: line ${first.line}: ${first.message})\n`);
  }
  const since = values.since === undefined ? undefined : Date.parse(values.since);
  const until = values.until === undefined ? undefined : Date.parse(values.until);
  const kept = records.filter((record) => {
    if (values.tenant !== undefined && record.tenant !== values.tenant) return false;
    if (values.agent !== undefined && record.agent !== values.agent) return false;
    const at = Date.parse(record.timestamp);
    return (since === undefined || at >= since) && (until === undefined || at < until);
  });
  const summary = summarizeUsage(kept);
  if (values.html !== undefined) {
    await writeFile(values.html, renderUsageHtml(summary, { subtitle: source }), 'utf8');
    io.stderr.write(`agentry report: wrote ${values.html}\n`);
  }
  if (values.json) io.stdout.write(`${JSON.stringify({ ...(values.redis === undefined ? { file: source } : { redis: withoutPassword(values.redis), log: values.log }), records: kept.length, malformedLines: malformed.length, ...summary }, null, 2)}\n`);
  else io.stdout.write(formatUsageTable(summary));
  return 0;
}

/**
 * The whole ledger as JSON Lines, so file and Redis records go through one parser. Redis is
 * loaded only here: the CLI's other commands never pull in the client.
 */
async function readRedisLedger(url: string, name: string, keyPrefix: string | undefined): Promise<string> {
  const { createRedisAppendLog } = await import('../../stores/redis/redis-append-log');
  const log = await createRedisAppendLog({ redis: url, ...(keyPrefix === undefined ? {} : { keyPrefix }) });
  try {
    const lines: string[] = [];
    for await (const page of appendLogPages(log, name)) for (const entry of page) lines.push(JSON.stringify(entry.value));
    return lines.join('\n');
  } finally {
    await log.close?.();
  }
}
