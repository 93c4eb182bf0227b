import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { UsageSink } from './usage-sink';

/** Options of {@link createJsonLinesUsageSink}. */
export interface JsonLinesUsageSinkOptions {
  /** File the records are appended to, one JSON object a line; created with its folder when absent. */
  path: string;
}

/**
 * A usage sink that appends JSON Lines to a file: the input of `agentry report`. Node only.
 *
 * @example
 * const meter = meterMiddleware({ sink: createJsonLinesUsageSink({ path: 'usage.jsonl' }) });
 */
export function createJsonLinesUsageSink(options: JsonLinesUsageSinkOptions): UsageSink {
  let folderReady: Promise<unknown> | undefined;
  return {
    name: `jsonl:${options.path}`,
    async write(records) {
      if (records.length === 0) return;
      folderReady ??= mkdir(dirname(options.path), { recursive: true });
      await folderReady;
      // One append per batch: a crash mid-batch loses at most the batch's tail line, never corrupts earlier lines.
      await appendFile(options.path, records.map((record) => JSON.stringify(record)).join('\n') + '\n', 'utf8');
    },
  };
}
