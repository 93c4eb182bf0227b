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

// KEYS[1] stream; ARGV[1] MAXLEN or ''; ARGV[2..] JSON values. IDs `0-*` make Redis number entries
// 0-1, 0-2, ...: the sequence is the ID's second part. One script, so a batch is contiguous.
const append = createRedisScript(`
local id = nil
for index = 2, #ARGV do
  if ARGV[1] == '' then
    id = redis.call('XADD', KEYS[1], '0-*', 'v', ARGV[index])
  else
    id = redis.call('XADD', KEYS[1], 'MAXLEN', '=', ARGV[1], '0-*', 'v', ARGV[index])
  end
end
if id == nil then
  local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
  if #last == 0 then return '0-0' end
  id = last[1][1]
end
return id
`);

// KEYS[1] stream; ARGV[1] expected last sequence ('0' for none); ARGV[2] MAXLEN or ''; ARGV[3..]
// JSON values. Returns false, writing nothing, when the last entry is not the expected one.
const appendIfLast = createRedisScript(`
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local lastSeq = '0'
if #last > 0 then lastSeq = string.match(last[1][1], '-(%d+)$') end
if lastSeq ~= ARGV[1] then return false end
local id = nil
for index = 3, #ARGV do
  if ARGV[2] == '' then
    id = redis.call('XADD', KEYS[1], '0-*', 'v', ARGV[index])
  else
    id = redis.call('XADD', KEYS[1], 'MAXLEN', '=', ARGV[2], '0-*', 'v', ARGV[index])
  end
end
if id == nil then return '0-' .. lastSeq end
return id
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

  return {
    async append(name, values) {
      const texts = values.map((value) => JSON.stringify(value) ?? 'null');
      const id = await run('append', name, () => append.run(client, [key(name)], [maxLength, ...texts]));
      return sequenceOf(String(id));
    },
    async appendAfter(name, lastSequence, values) {
      const texts = values.map((value) => JSON.stringify(value) ?? 'null');
      const id = await run('appendAfter', name, () => appendIfLast.run(client, [key(name)], [String(Math.floor(lastSequence)), maxLength, ...texts]));
      // A Lua false arrives as null.
      return id === null ? undefined : sequenceOf(String(id));
    },
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
