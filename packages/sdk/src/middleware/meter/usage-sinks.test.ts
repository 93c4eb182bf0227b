import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { usageRecord } from './meter-test-kit';
import type { UsageRecord } from '../../contract/usage-event';
import type { AppendLog, AppendLogEntry } from '../../stores/append-log';
import { createAppendLogUsageSink } from './append-log-usage-sink';
import { createJsonLinesUsageSink } from './json-lines-usage-sink';
import { createMemoryUsageSink } from './memory-usage-sink';
import { parseUsageRecords } from './parse-usage-records';


function memoryAppendLog(): AppendLog & { logs: Map<string, unknown[]> } {
  const logs = new Map<string, unknown[]>();
  return {
    logs,
    async append(log, values) {
      const entries = logs.get(log) ?? [];
      entries.push(...values);
      logs.set(log, entries);
      return entries.length;
    },
    async read<Value>(log: string, options: { after?: number; limit?: number } = {}) {
      const after = options.after ?? 0;
      return (logs.get(log) ?? [])
        .slice(after, after + (options.limit ?? Infinity))
        .map((value, index): AppendLogEntry<Value> => ({ sequence: after + index + 1, value: value as Value }));
    },
  };
}

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

describe('usage sinks', () => {
  it('the JSON Lines sink appends one parseable record per line across batches, creating the folder', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'agentry-usage-'));
    folders.push(folder);
    const path = join(folder, 'nested', 'usage.jsonl');
    const sink = createJsonLinesUsageSink({ path });
    await sink.write([usageRecord({ requestId: 'a' }), usageRecord({ requestId: 'b' })]);
    await sink.write([usageRecord({ requestId: 'c', outcome: 'error', errorCode: 'AGENTRY_TIMEOUT' })]);
    const { records, malformed } = parseUsageRecords(await readFile(path, 'utf8'));
    expect(malformed).toEqual([]);
    expect(records.map((record) => record.requestId)).toEqual(['a', 'b', 'c']);
  });

  it('the append-log sink appends batches to the named log in order', async () => {
    const log = memoryAppendLog();
    const sink = createAppendLogUsageSink({ log, name: 'usage:acme' });
    await sink.write([usageRecord({ requestId: 'a' })]);
    await sink.write([usageRecord({ requestId: 'b' }), usageRecord({ requestId: 'c' })]);
    const entries = await log.read<UsageRecord>('usage:acme');
    expect(entries.map((entry) => entry.value.requestId)).toEqual(['a', 'b', 'c']);
  });

  it('the memory sink keeps the newest records up to its bound and counts evictions', async () => {
    const sink = createMemoryUsageSink({ maxRecords: 2 });
    await sink.write([usageRecord({ requestId: 'a' }), usageRecord({ requestId: 'b' }), usageRecord({ requestId: 'c' })]);
    expect(sink.records().map((record) => record.requestId)).toEqual(['b', 'c']);
    expect(sink.evicted).toBe(1);
  });

  it('parseUsageRecords reports malformed lines by number and first bad field, and keeps the good ones', () => {
    const text = [JSON.stringify(usageRecord()), '{oops', JSON.stringify({ ...usageRecord(), costUsd: -1 }), ''].join('\n');
    const { records, malformed } = parseUsageRecords(text);
    expect(records).toHaveLength(1);
    expect(malformed).toEqual([
      { line: 2, message: expect.stringContaining('not JSON') },
      { line: 3, message: expect.stringContaining('`costUsd`') },
    ]);
  });
});
