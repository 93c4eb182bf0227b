import { readFile } from 'node:fs/promises';
import { AgentryError } from '../../contract';
import { withoutPassword } from '../url-without-password';

/**
 * The entries of an audit log as read, before any check: `undefined` stands for a stored entry
 * that is not JSON, so the chain verifier reports it where it sits instead of the read failing.
 */
export interface AuditSource {
  /** What was read, for messages: a path, or a Redis URL (without its password) and log name. */
  readonly label: string;
  /** How `--json` names the source. */
  readonly json: Readonly<Record<string, string>>;
  readonly entries: unknown[];
  /** Where each entry sits (`line 3`, `stream id 0-3`), by index. */
  readonly locations: string[];
}

/** Where `agentry audit` reads from: a JSON Lines file, or the Redis stream of a trail. */
export type AuditLocation = { kind: 'file'; path: string } | { kind: 'redis'; url: string; log: string; keyPrefix?: string | undefined };

export async function readAuditSource(location: AuditLocation): Promise<AuditSource> {
  return location.kind === 'file' ? readAuditFile(location.path) : readRedisAuditLog(location);
}

/** Parses each non-empty line. */
async function readAuditFile(path: string): Promise<AuditSource> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `cannot read audit log ${path}: ${(error as Error).message}`, {
      cause: error,
      hint: 'Pass the path of a JSON Lines audit log, e.g. the file of createJsonlAuditSink, or --redis <url> for a trail on Redis.',
    });
  }
  const entries: unknown[] = [];
  const locations: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    locations.push(`line ${index + 1}`);
    entries.push(parseOrUndefined(line));
  });
  return { label: path, json: { file: path }, entries, locations };
}

const pageSize = 1_000;

/**
 * Reads a trail written with `createRedisAppendLog` (one stream per trail name) page by page.
 * Raw stream replies rather than the append log's `read`, which parses as it goes and would stop
 * at an entry someone overwrote with text that is not JSON: here that entry is evidence.
 */
async function readRedisAuditLog(location: Extract<AuditLocation, { kind: 'redis' }>): Promise<AuditSource> {
  const label = `${withoutPassword(location.url)} (log ${location.log})`;
  const { openRedisStore } = await import('../../stores/redis/redis-connection');
  let connection: Awaited<ReturnType<typeof openRedisStore>>;
  try {
    connection = await openRedisStore({ redis: location.url, ...(location.keyPrefix === undefined ? {} : { keyPrefix: location.keyPrefix }) }, 'agentry audit');
  } catch (error) {
    throw unreadable(label, error);
  }
  const entries: unknown[] = [];
  const locations: string[] = [];
  try {
    const key = connection.key(location.log);
    let start = '-';
    for (;;) {
      const replies = await connection.run('read', location.log, () => connection.client.xrange(key, start, '+', 'COUNT', pageSize));
      for (const [id, fields] of replies) {
        locations.push(`stream id ${id}`);
        entries.push(parseOrUndefined(valueField(fields)));
      }
      if (replies.length < pageSize) break;
      start = `(${replies.at(-1)![0]}`;
    }
  } catch (error) {
    throw unreadable(label, error);
  } finally {
    await connection.close();
  }
  return { label, json: { redis: withoutPassword(location.url), log: location.log }, entries, locations };
}

/** The append log writes each entry as one field `v`; a stream entry without it is not one of ours. */
function valueField(fields: string[]): string | undefined {
  for (let index = 0; index + 1 < fields.length; index += 2) if (fields[index] === 'v') return fields[index + 1];
  return undefined;
}

function parseOrUndefined(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function unreadable(label: string, error: unknown): AgentryError {
  return new AgentryError('AGENTRY_STORE_UNAVAILABLE', `cannot read the audit log ${label}: ${(error as Error).message}`, {
    cause: error,
    hint: 'Check the URL and that Redis is running; --log names the trail (createAuditTrail `name`, default audit) and --key-prefix the store prefix (default agentry:).',
  });
}
