import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AgentryError } from '../../../contract';
import type { AuditAppendLog } from './audit-trail';

/** An append log kept in one JSON Lines file. */
export interface JsonlAuditSink extends AuditAppendLog {
  /** The file written. */
  readonly path: string;
  /** Waits for pending appends. */
  close(): Promise<void>;
}

/**
 * An {@link AuditAppendLog} that appends each entry as one line of a JSON Lines file, the format
 * `agentry audit verify <file>` checks. The file holds a single log: the log name passed to
 * `append` and `read` is not stored, so give each trail its own file. Appends are written in
 * call order; the sequence of an entry is its line number.
 *
 * @example
 * const trail = createAuditTrail({ log: createJsonlAuditSink('./var/audit.jsonl') });
 */
export function createJsonlAuditSink(path: string): JsonlAuditSink {
  let lines: number | undefined;
  let tail: Promise<unknown> = Promise.resolve();

  async function readLines(): Promise<string[]> {
    try {
      const text = await readFile(path, 'utf8');
      return text.split('\n').filter((line) => line.trim() !== '');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  return {
    path,
    append(_log, values) {
      const write = tail.then(async () => {
        lines ??= (await readLines()).length;
        if (values.length === 0) return lines;
        try {
          await mkdir(dirname(path), { recursive: true });
          await appendFile(path, values.map((value) => JSON.stringify(value)).join('\n') + '\n', 'utf8');
        } catch (error) {
          lines = undefined; // a partial write may have added lines: count again next time
          throw error;
        }
        lines += values.length;
        return lines;
      });
      tail = write.catch(() => {});
      return write;
    },
    async read<Value>(_log: string, options: { after?: number; limit?: number } = {}) {
      await tail;
      const all = await readLines();
      const from = options.after ?? 0;
      const to = options.limit === undefined ? all.length : Math.min(all.length, from + options.limit);
      const entries: { sequence: number; value: Value }[] = [];
      for (let index = from; index < to; index++) {
        try {
          entries.push({ sequence: index + 1, value: JSON.parse(all[index]!) as Value });
        } catch (error) {
          throw new AgentryError('AGENTRY_INTERNAL', `audit log ${path}: line ${index + 1} is not JSON (the file was damaged or edited)`, {
            cause: error,
            hint: 'Run `agentry audit verify` on the file to find the first bad entry.',
          });
        }
      }
      return entries;
    },
    async close() {
      await tail;
    },
  };
}
