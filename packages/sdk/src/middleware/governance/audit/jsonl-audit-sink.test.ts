import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditTrail } from './audit-trail';
import { createJsonlAuditSink } from './jsonl-audit-sink';
import { verifyAuditChain } from './verify-audit-chain';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'agentry-audit-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const record = (tenant: string) =>
  ({ requestId: 'req_1', invocationId: 'inv_1', tenant, agent: 'echo', version: '1.0.0', mode: 'invoke', decision: 'allow', outcome: 'succeeded' }) as const;

describe('createJsonlAuditSink', () => {
  it('appends one JSON line per entry, in order, and reads them back with line sequences', async () => {
    const path = join(directory, 'nested', 'audit.jsonl');
    const sink = createJsonlAuditSink(path);
    expect(await sink.append('audit', [{ a: 1 }, { a: 2 }])).toBe(2);
    expect(await sink.append('audit', [{ a: 3 }])).toBe(3);
    expect(await readFile(path, 'utf8')).toBe('{"a":1}\n{"a":2}\n{"a":3}\n');
    expect(await sink.read('audit', { after: 1, limit: 1 })).toEqual([{ sequence: 2, value: { a: 2 } }]);
    await sink.close();
  });

  it('holds a chain that a fresh trail continues and verifyAuditChain accepts', async () => {
    const path = join(directory, 'audit.jsonl');
    const first = createAuditTrail({ log: createJsonlAuditSink(path) });
    await Promise.all([first.record(record('a')), first.record(record('b'))]);
    const second = createAuditTrail({ log: createJsonlAuditSink(path) });
    await second.record(record('c'));
    const lines = (await readFile(path, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as unknown);
    expect(verifyAuditChain(lines)).toMatchObject({ ok: true, entries: 3 });
  });

  it('names the damaged line when the file holds a line that is not JSON', async () => {
    const path = join(directory, 'audit.jsonl');
    await writeFile(path, '{"a":1}\n{"a":\n');
    await expect(createJsonlAuditSink(path).read('audit')).rejects.toMatchObject({ message: expect.stringContaining('line 2 is not JSON') });
  });
});
