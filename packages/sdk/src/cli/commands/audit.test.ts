import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditTrail } from '../../middleware/governance/audit/audit-trail';
import { createJsonlAuditSink } from '../../middleware/governance/audit/jsonl-audit-sink';
import { governedRuntime } from '../../middleware/governance/fixtures/governance-test-packs';
import { runAuditCommand } from './audit';

let directory: string;
let lines: string[];

function io() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: { write: (text: string) => (out.stdout += text) }, stderr: { write: (text: string) => (out.stderr += text) } } };
}

async function run(argv: string[]) {
  const { out, io: commandIo } = io();
  const code = await runAuditCommand(argv, commandIo);
  return { code, ...out };
}

async function withLines(name: string, content: string[]): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, content.map((line) => `${line}\n`).join(''));
  return path;
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'agentry-audit-cli-'));
  const path = join(directory, 'audit.jsonl');
  const sink = createJsonlAuditSink(path);
  const { runtime } = governedRuntime({ audit: createAuditTrail({ log: sink }), tiers: { free: { agents: ['echo'] } }, tenantTier: () => 'free' });
  for (const tenant of ['acme', 'globex', 'acme', 'initech', 'acme']) {
    await runtime.invoke({ agent: 'echo', tenant, input: { text: `hi from ${tenant}, mail ada@example.com` } });
  }
  await runtime.invoke({ agent: 'streamer', tenant: 'globex', input: { pieces: ['x'] } }).catch(() => undefined);
  await sink.close();
  lines = (await readFile(path, 'utf8')).trim().split('\n');
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('agentry audit verify', () => {
  it('reports an intact log written by the governance middleware and exits 0', async () => {
    const result = await run(['verify', join(directory, 'audit.jsonl')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/audit\.jsonl: intact, 6 entries, head 6 sha256:[0-9a-f]{64}/);
  });

  it('names the first bad sequence of an edited, deleted, reordered or inserted entry and exits 1', async () => {
    const edited = [...lines];
    edited[2] = edited[2]!.replace('"tenant":"acme"', '"tenant":"mallory"');
    const deleted = lines.filter((_, index) => index !== 1);
    const reordered = [lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)];
    const inserted = [...lines.slice(0, 4), lines[3]!, ...lines.slice(4)];
    const cases: [string, string[], RegExp][] = [
      ['edited.jsonl', edited, /TAMPERED at sequence 3 \(line 3\): entry 3 does not match its hash \(edited\)/],
      ['deleted.jsonl', deleted, /TAMPERED at sequence 2 \(line 2\): entry 2 is missing/],
      ['reordered.jsonl', reordered, /TAMPERED at sequence 2 \(line 2\)/],
      ['inserted.jsonl', inserted, /TAMPERED at sequence 5 \(line 5\)/],
      ['garbled.jsonl', [...lines.slice(0, 3), '{"seq":4,', ...lines.slice(4)], /TAMPERED at sequence 4 \(line 4\): entry 4 is not an audit entry/],
    ];
    for (const [name, content, message] of cases) {
      const result = await run(['verify', await withLines(name, content)]);
      expect(result.code, name).toBe(1);
      expect(result.stdout, name).toMatch(message);
    }
  });

  it('detects a cut-off tail with --head and prints JSON with --json', async () => {
    const head = (JSON.parse(lines.at(-1)!) as { hash: string }).hash;
    const truncated = await withLines('truncated.jsonl', lines.slice(0, 4));
    expect((await run(['verify', truncated])).code).toBe(0);
    const result = await run(['verify', truncated, '--head', head, '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, firstBadSequence: 5 });
  });

  it('fails with a coded error for a missing file and exits 2 without a subcommand', async () => {
    await expect(run(['verify', join(directory, 'nope.jsonl')])).rejects.toMatchObject({ code: 'AGENTRY_INVALID_OPTIONS' });
    expect((await run([])).code).toBe(2);
  });
});

describe('agentry audit export', () => {
  it('writes the entries of one tenant as JSON Lines, with the verdict on stderr', async () => {
    const result = await run(['export', join(directory, 'audit.jsonl'), '--tenant', 'acme']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('intact, 6 entries');
    const exported = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { tenant: string; seq: number });
    expect(exported.map((entry) => [entry.tenant, entry.seq])).toEqual([
      ['acme', 1],
      ['acme', 3],
      ['acme', 5],
    ]);
    expect(result.stdout).not.toContain('ada@example.com');
  });

  it('writes refusals as CSV to a file', async () => {
    const out = join(directory, 'refusals.csv');
    const result = await run(['export', join(directory, 'audit.jsonl'), '--decision', 'refuse', '--format', 'csv', '--out', out]);
    expect(result.code).toBe(0);
    const csv = (await readFile(out, 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('seq,at,tenant,subject,agent,version,mode,tier,decision,outcome,code,stage,rule,reason,redactedInput,redactedOutput,requestId,invocationId,hash');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain(',globex,,streamer,1.0.0,invoke,free,refuse,refused,AGENTRY_FORBIDDEN_TOOL,tier,,');
  });
});
