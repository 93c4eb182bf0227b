import { AgentryError } from '../contract';

/** The window `GET /v1/usage` reports on, in epoch ms; an absent bound means "as far as kept". */
export interface UsageWindow {
  from?: number;
  to?: number;
}

const hint = 'Send `from` and `to` as ISO 8601 timestamps with a zone, e.g. ?from=2025-06-01T00:00:00Z&to=2025-06-02T00:00:00Z (encode `+` as %2B).';
// RFC 3339 date-time: a date, a time to at least the minute, and a zone.
const timestampPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Reads `?from=&to=` of a `GET /v1/usage` request target.
 *
 * @throws AgentryError `AGENTRY_INVALID_REQUEST` with a hint for an unknown or repeated parameter,
 * a value that is not an ISO 8601 timestamp with a zone, or `from` after `to`.
 */
export function parseUsageWindow(target: string | undefined): UsageWindow {
  const queryAt = target?.indexOf('?') ?? -1;
  if (target === undefined || queryAt === -1) return {};
  const parameters = new URLSearchParams(target.slice(queryAt + 1));
  const window: UsageWindow = {};
  for (const [name, value] of parameters) {
    if (name !== 'from' && name !== 'to') throw invalidWindow(`GET /v1/usage has no query parameter ${JSON.stringify(truncate(name))}; it takes \`from\` and \`to\``);
    if (window[name] !== undefined) throw invalidWindow(`GET /v1/usage: \`${name}\` is given more than once`);
    window[name] = parseTimestamp(name, value);
  }
  if (window.from !== undefined && window.to !== undefined && window.from > window.to) {
    throw invalidWindow('GET /v1/usage: `from` is after `to`');
  }
  return window;
}

/** Epoch ms of an RFC 3339 timestamp; calendar-checked, since Date.parse rolls 30 February over to March. */
function parseTimestamp(name: string, raw: string): number {
  // An unencoded `+` of a zone offset arrives as a space.
  const value = raw.replace(/ (\d{2}:\d{2})$/, '+$1');
  const parts = timestampPattern.exec(value);
  if (parts === null) throw invalidTimestamp(name, raw);
  const [year, month, day, hour, minute, second = 0] = parts.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const date = new Date(0);
  date.setUTCFullYear(year!, month! - 1, day!);
  const calendarOk = date.getUTCFullYear() === year && date.getUTCMonth() === month! - 1 && date.getUTCDate() === day;
  if (!calendarOk || hour! > 23 || minute! > 59 || second > 59) throw invalidTimestamp(name, raw);
  const fraction = parts[7] === undefined ? 0 : Math.floor(Number(parts[7]) * 1000);
  const zone = parts[8]!.toUpperCase();
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const offsetHours = Number(zone.slice(1, 3));
    const offsetRest = Number(zone.slice(4, 6));
    if (offsetHours > 23 || offsetRest > 59) throw invalidTimestamp(name, raw);
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetRest);
  }
  date.setUTCHours(hour!, minute!, second, fraction);
  return date.getTime() - offsetMinutes * 60_000;
}

function invalidTimestamp(name: string, value: string): AgentryError {
  return invalidWindow(`GET /v1/usage: \`${name}\` is not an ISO 8601 timestamp with a zone: ${JSON.stringify(truncate(value))}`);
}

function invalidWindow(message: string): AgentryError {
  return new AgentryError('AGENTRY_INVALID_REQUEST', message, { hint });
}

function truncate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
