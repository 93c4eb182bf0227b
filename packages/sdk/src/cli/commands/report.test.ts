import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentryError } from '../../contract';
import { defineTaskPack } from '../../core/task-pack';
import { createJsonLinesUsageSink } from '../../middleware/meter/json-lines-usage-sink';
import { meterMiddleware } from '../../middleware/meter/meter-middleware';
import { createRuntime } from '../../runtime';
import { runReportCommand } from './report';

let directory: string;
let usageFile: string;

async function run(argv: string[]) {
  const out = { stdout: '', stderr: '' };
  const code = await runReportCommand(argv, { stdout: { write: (text: string) => (out.stdout += text) }, stderr: { write: (text: string) => (out.stderr += text) } });
  return { code, ...out };
}

const echo = defineTaskPack({
  id: 'echo',
  version: '1.0.0',
  description: 'echo',
  input: z.object({ text: z.string(), fail: z.boolean().optional() }),
  output: z.object({ text: z.string() }),
  handler: (input) => {
    if (input.fail) throw new AgentryError('AGENTRY_UPSTREAM_ERROR', 'nope');
    return { text: input.text };
  },
});

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'agentry-report-'));
  usageFile = join(directory, 'usage.jsonl');
  const meter = meterMiddleware({ sink: createJsonLinesUsageSink({ path: usageFile }) });
  const runtime = createRuntime({ packs: [echo], middleware: [meter] });
  for (const tenant of ['acme', 'acme', 'acme', 'globex']) await runtime.invoke({ agent: 'echo', input: { text: 'hi' }, tenant });
  await runtime.invoke({ agent: 'echo', input: { text: 'hi', fail: true }, tenant: 'acme' }).catch(() => undefined);
  await meter.close();
});

afterAll(() => rm(directory, { recursive: true, force: true }));

describe('agentry report', () => {
  it('prints an aligned per-tenant, per-agent table from the usage file a meter wrote', async () => {
    const { code, stdout, stderr } = await run(['--file', usageFile]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TENANT\s+AGENT\s+CALLS\s+SUCCESS/);
    expect(lines[2]).toMatch(/^acme\s+echo\s+4\s+75\.0%/);
    expect(lines[3]).toMatch(/^globex\s+echo\s+1\s+100\.0%/);
    expect(lines.at(-1)).toMatch(/^TOTAL\s+5\s+80\.0%/);
  });

  it('prints the summary as JSON with --json, filtered by --tenant', async () => {
    const { code, stdout } = await run(['--file', usageFile, '--json', '--tenant', 'acme']);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ records: 4, malformedLines: 0, total: { calls: 4, successes: 3, errors: 1 } });
    expect(summary.rows).toHaveLength(1);
  });

  it('writes a self-contained HTML page with SVG charts with --html', async () => {
    const htmlFile = join(directory, 'report.html');
    const { code, stderr } = await run(['--file', usageFile, '--html', htmlFile]);
    expect(code).toBe(0);
    expect(stderr).toContain(`wrote ${htmlFile}`);
    const html = await readFile(htmlFile, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('globex / echo');
    expect(html).not.toMatch(/<script|\bsrc=|\bhref=/);
  });

  it('skips and counts malformed lines, and exits 2 when the file is missing', async () => {
    const mixed = join(directory, 'mixed.jsonl');
    await writeFile(mixed, `${(await readFile(usageFile, 'utf8')).trim()}\n{"torn":\n`);
    const { code, stderr, stdout } = await run(['--file', mixed]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/skipped 1 malformed line of .*mixed\.jsonl \(first: line 6: not JSON/);
    expect(stdout).toMatch(/TOTAL\s+5/);
    const missing = await run(['--file', join(directory, 'absent.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
  });
});
