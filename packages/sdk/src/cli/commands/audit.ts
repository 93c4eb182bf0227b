import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AgentryError } from '../../contract';
import type { AuditEntry } from '../../middleware/governance/audit/audit-entry';
import { verifyAuditChain, type AuditChainVerdict, type VerifyAuditChainOptions } from '../../middleware/governance/audit/verify-audit-chain';
import type { CommandIo } from '../io';
import { readAuditSource, type AuditLocation, type AuditSource } from './audit-source';

export const auditUsage = `Usage:
  agentry audit verify <audit.jsonl | --redis redis://host:6379 [--log audit] [--key-prefix agentry:]>
                       [--head <sha256>] [--partial] [--allow-empty] [--json]
  agentry audit export <audit.jsonl | --redis ...> [--tenant T] [--agent A] [--decision allow|refuse]
                       [--since ISO] [--until ISO] [--format jsonl|csv] [--out FILE] [--allow-empty]

verify  checks the hash chain of a governance audit log (one JSON entry per line of a file, or
        the Redis stream of a trail on createRedisAppendLog) and names the first bad sequence
        number. Exit 0 when intact, 1 when tampered or unreadable.
        --head   the hash the last entry must have (kept elsewhere): also detects cut-off tails
        --partial the log is an excerpt (or a trimmed stream) that starts after sequence 1
        --allow-empty an empty log counts as intact (by default it fails: a deleted log reads the same)
        --redis  read the trail from Redis; --log is its name (createAuditTrail \`name\`, default
                 audit), --key-prefix the store's prefix (default agentry:)
export  writes the entries that match the filters as JSON Lines (default) or CSV to stdout or
        --out, after verifying the chain; the verdict goes to stderr, and the exit code is 1
        when the chain is broken (the entries are still written, for investigation).
`;

/** `agentry audit verify | export`. Resolves with the exit code. */
export async function runAuditCommand(argv: string[], io: Pick<CommandIo, 'stdout' | 'stderr'>): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand === undefined || subcommand === '--help' || subcommand === '-h') {
    io.stdout.write(auditUsage);
    return subcommand === undefined ? 2 : 0;
  }
  if (subcommand === 'verify') return verify(rest, io);
  if (subcommand === 'export') return exportEntries(rest, io);
  io.stderr.write(`agentry audit: unknown subcommand "${subcommand}"\n\n${auditUsage}`);
  return 2;
}

async function verify(argv: string[], io: Pick<CommandIo, 'stdout' | 'stderr'>): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...sourceOptions,
      head: { type: 'string' },
      partial: { type: 'boolean', default: false },
      'allow-empty': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(auditUsage);
    return 0;
  }
  const source = await readAuditSource(locationOf(values, positionals, 'verify'));
  const verdict = verdictOf(source, values['allow-empty'], { partial: values.partial, ...(values.head === undefined ? {} : { expectedHeadHash: values.head }) });
  if (values.json) io.stdout.write(`${JSON.stringify({ ...source.json, ...verdict, ...locationOfVerdict(verdict, source) })}\n`);
  else io.stdout.write(`${describeVerdict(verdict, source)}\n`);
  return verdict.ok ? 0 : 1;
}

async function exportEntries(argv: string[], io: Pick<CommandIo, 'stdout' | 'stderr'>): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...sourceOptions,
      tenant: { type: 'string' },
      agent: { type: 'string' },
      decision: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      format: { type: 'string', default: 'jsonl' },
      out: { type: 'string' },
      'allow-empty': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(auditUsage);
    return 0;
  }
  const location = locationOf(values, positionals, 'export');
  if (values.format !== 'jsonl' && values.format !== 'csv') throw invalid(`--format must be jsonl or csv, got ${values.format}`);
  if (values.decision !== undefined && values.decision !== 'allow' && values.decision !== 'refuse') {
    throw invalid(`--decision must be allow or refuse, got ${values.decision}`);
  }
  const since = time('--since', values.since);
  const until = time('--until', values.until);
  const source = await readAuditSource(location);
  const { entries } = source;
  const verdict = verdictOf(source, values['allow-empty']);
  io.stderr.write(`${describeVerdict(verdict, source)}\n`);
  const selected = entries.filter((value): value is AuditEntry => {
    if (typeof value !== 'object' || value === null) return false;
    const entry = value as AuditEntry;
    const at = Date.parse(entry.at);
    return (
      (values.tenant === undefined || entry.tenant === values.tenant) &&
      (values.agent === undefined || entry.agent === values.agent) &&
      (values.decision === undefined || entry.decision === values.decision) &&
      (since === undefined || at >= since) &&
      (until === undefined || at < until)
    );
  });
  const text = values.format === 'csv' ? toCsv(selected) : selected.map((entry) => `${JSON.stringify(entry)}\n`).join('');
  if (values.out === undefined) io.stdout.write(text);
  else {
    await writeFile(values.out, text, 'utf8');
    io.stderr.write(`wrote ${selected.length} of ${entries.length} entries to ${values.out}\n`);
  }
  return verdict.ok ? 0 : 1;
}

/** The chain's verdict; an empty log fails unless one is expected. */
function verdictOf(source: AuditSource, allowEmpty: boolean, options?: VerifyAuditChainOptions): AuditChainVerdict {
  const chain = verifyAuditChain(source.entries, options);
  return chain.ok && chain.entries === 0 && !allowEmpty ? emptyLog : chain;
}

/** An empty log proves nothing: deleting a log, or pointing at the wrong one, reads the same. */
const emptyLog: AuditChainVerdict = {
  ok: false,
  entries: 0,
  firstBadSequence: 1,
  problem: 'the log is empty, nothing to verify (a deleted log, a wrong --log or path read the same; pass --allow-empty when none is expected)',
};

function locationOfVerdict(verdict: AuditChainVerdict, source: AuditSource): { at?: string; line?: number } {
  const at = verdict.index === undefined ? undefined : source.locations[verdict.index];
  if (at === undefined) return {};
  // `line` is kept for files: scripts written against the first version of --json read it.
  return at.startsWith('line ') ? { at, line: Number(at.slice(5)) } : { at };
}

function describeVerdict(verdict: AuditChainVerdict, source: AuditSource): string {
  if (verdict.ok) {
    const head = verdict.head === undefined ? 'empty' : `head ${verdict.head.seq} sha256:${verdict.head.hash}`;
    return `${source.label}: intact, ${verdict.entries} entries, ${head}`;
  }
  const at = locationOfVerdict(verdict, source).at;
  return `${source.label}: TAMPERED at sequence ${verdict.firstBadSequence}${at === undefined ? '' : ` (${at})`}: ${verdict.problem}`;
}

const csvColumns = ['seq', 'at', 'tenant', 'subject', 'agent', 'version', 'mode', 'tier', 'decision', 'outcome', 'code', 'stage', 'rule', 'reason', 'redactedInput', 'redactedOutput', 'requestId', 'invocationId', 'hash'] as const;

function toCsv(entries: readonly AuditEntry[]): string {
  const total = (counts: Record<string, number> | undefined): number => Object.values(counts ?? {}).reduce((sum, count) => sum + count, 0);
  const cell = (value: unknown): string => {
    const text = value === undefined ? '' : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const rows = entries.map((entry) => {
    const row: Partial<Record<(typeof csvColumns)[number], unknown>> = {
      ...entry,
      redactedInput: total(entry.redactions?.input),
      redactedOutput: total(entry.redactions?.output),
    };
    return csvColumns.map((column) => cell(row[column])).join(',');
  });
  return [csvColumns.join(','), ...rows].join('\n') + '\n';
}

const sourceOptions = {
  redis: { type: 'string' },
  log: { type: 'string', default: 'audit' },
  'key-prefix': { type: 'string' },
} as const;

function locationOf(values: { redis?: string | undefined; log: string; 'key-prefix'?: string | undefined }, positionals: string[], subcommand: string): AuditLocation {
  const path = positionals[0];
  if (path !== undefined && values.redis !== undefined) throw invalid(`agentry audit ${subcommand} reads a file or --redis, not both`);
  if (values.redis !== undefined) return { kind: 'redis', url: values.redis, log: values.log, keyPrefix: values['key-prefix'] };
  if (path === undefined) throw invalid(`agentry audit ${subcommand} needs the path of an audit log (JSON Lines) or --redis <url>`);
  return { kind: 'file', path };
}

function time(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw invalid(`${flag} must be an ISO 8601 date or time, got ${value}`);
  return parsed;
}

function invalid(message: string): AgentryError {
  return new AgentryError('AGENTRY_INVALID_OPTIONS', message, { hint: auditUsage.split('\n').slice(1, 4).join('\n') });
}
