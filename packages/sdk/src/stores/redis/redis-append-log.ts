import type { AppendLog, AppendLogEntry } from '../append-log';
import { openRedisStore, type RedisStoreOptions } from './redis-connection';
import { createRedisScript } from './redis-script';

/** Options of {@link createRedisAppendLog}. */
export interface RedisAppendLogOptions extends RedisStoreOptions {
  /**
   * Entries kept per log (exact `MAXLEN` trim on append); the oldest go first and kept entries keep
   * their sequence numbers. Unbounded by default: audit trails and ledgers are meant to be kept.
   * @default undefined (unbounded)
   */
  maxEntriesPerLog?: number;
}

// KEYS[1] stream; ARGV[1] the last sequence the batch must follow, or '' for wherever the log
// ends; ARGV[2] MAXLEN or ''; ARGV[3..] JSON values. IDs `0-*` make Redis number entries 0-1,
// 0-2, ...: the sequence is the ID's second part. One script, so a batch is contiguous and the
// check of the end and the writes cannot be separated. Returns false, writing nothing, when the
// log does not end where it must; else the ID of the last entry.
const append = createRedisScript(`
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local lastId = '0-0'
if #last > 0 then lastId = last[1][1] end
if ARGV[1] ~= '' and string.match(lastId, '-(%d+)$') ~= ARGV[1] then return false end
for index = 3, #ARGV do
  if ARGV[2] == '' then
    lastId = redis.call('XADD', KEYS[1], '0-*', 'v', ARGV[index])
  else
    lastId = redis.call('XADD', KEYS[1], 'MAXLEN', '=', ARGV[2], '0-*', 'v', ARGV[index])
  end
end
return lastId
`);

/**
 * An {@link AppendLog} on Redis Streams. Streams rather than a list because entry IDs stay fixed
 * when old entries are trimmed (a list's indexes shift), `XRANGE` from an ID is O(log N) however
 * far into the log a reader is (`LRANGE` walks from the head), and a stream can later be tailed
 * with `XREAD BLOCK` or consumer groups by sinks. Needs Redis 7 (`0-*` IDs).
 *
 * @throws AgentryError `AGENTRY_STORE_UNAVAILABLE` when Redis cannot be reached at start; every
 *   operation rejects with it when Redis is lost later.
 * @example
 * const log = await createRedisAppendLog({ redis: 'redis://127.0.0.1:6379' });
 * await log.append('usage:acme', [{ agent: 'summarize', costUsd: 0.002 }]);
 */
export async function createRedisAppendLog(options: RedisAppendLogOptions): Promise<AppendLog> {
  const connection = await openRedisStore(options, 'createRedisAppendLog');
  const { client, key, run } = connection;
  const maxLength = options.maxEntriesPerLog === undefined ? '' : String(Math.max(1, Math.floor(options.maxEntriesPerLog)));

  /** Appends after `expected` (a sequence, or '' for anywhere); undefined when the log ended elsewhere. */
  async function appendTo(name: string, expected: string, values: readonly unknown[]): Promise<number | undefined> {
    const texts = values.map((value) => JSON.stringify(value) ?? 'null');
    const id = await run('append', name, () => append.run(client, [key(name)], [expected, maxLength, ...texts]));
    // A Lua false arrives as null.
    return id === null ? undefined : sequenceOf(String(id));
  }

  return {
    async append(name, values) {
      return (await appendTo(name, '', values))!;
    },
    appendAfter: (name, lastSequence, values) => appendTo(name, String(Math.floor(lastSequence)), values),
    async read<Value = unknown>(name: string, readOptions: { after?: number; limit?: number } = {}) {
      const after = Math.floor(readOptions.after ?? 0);
      const limit = readOptions.limit;
      if (limit !== undefined && limit <= 0) return [];
      const start = after > 0 ? `(0-${after}` : '-';
      const replies = await run('read', name, () =>
        limit === undefined || limit === Infinity
          ? client.xrange(key(name), start, '+')
          : client.xrange(key(name), start, '+', 'COUNT', Math.floor(limit)),
      );
      return replies.map(([id, fields]): AppendLogEntry<Value> => ({ sequence: sequenceOf(id), value: JSON.parse(fields[1]!) as Value }));
    },
    close: () => connection.close(),
  };
}

function sequenceOf(id: string): number {
  return Number(id.slice(id.indexOf('-') + 1));
}
