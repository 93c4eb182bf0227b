import { describe, expect, it } from 'vitest';
import type { AppendLog } from '../../../stores/append-log';
import { createMemoryAppendLog } from '../../../stores/memory-append-log';
import { genesisHash, hashAuditEntry, sealAuditEntry, type AuditEntry, type AuditRecord } from './audit-entry';
import { createAuditTrail, type AuditAppendLog } from './audit-trail';
import { verifyAuditChain } from './verify-audit-chain';

function record(index: number): AuditRecord {
  return {
    requestId: `req_${index}`,
    invocationId: `inv_${index}`,
    tenant: 'acme',
    agent: 'echo',
    version: '1.0.0',
    mode: 'invoke',
    decision: index % 3 === 0 ? 'refuse' : 'allow',
    outcome: index % 3 === 0 ? 'refused' : 'succeeded',
    ...(index % 3 === 0 ? { code: 'AGENTRY_FORBIDDEN' as const, stage: 'deny' as const } : {}),
    redactions: { input: { email: index % 2 }, output: {} },
  };
}

async function chainOf(length: number): Promise<AuditEntry[]> {
  const trail = createAuditTrail({ log: createMemoryAppendLog(), clock: () => Date.UTC(2025, 0, 1) });
  await Promise.all(Array.from({ length }, (_, index) => trail.record(record(index + 1))));
  return trail.entries();
}

describe('audit chain', () => {
  it('links each entry to the hash of the one before, from the genesis hash', async () => {
    const entries = await chainOf(5);
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[0]!.prevHash).toBe(genesisHash);
    for (const [index, entry] of entries.entries()) {
      expect(entry.hash).toBe(hashAuditEntry(entry));
      if (index > 0) expect(entry.prevHash).toBe(entries[index - 1]!.hash);
    }
    expect(verifyAuditChain(entries)).toEqual({ ok: true, entries: 5, head: { seq: 5, hash: entries[4]!.hash } });
  });

  it('detects an edited entry and names its sequence', async () => {
    const entries = await chainOf(6);
    entries[3] = { ...entries[3]!, tenant: 'someone-else' };
    expect(verifyAuditChain(entries)).toMatchObject({ ok: false, firstBadSequence: 4, problem: expect.stringContaining('edited') });
  });

  it('detects a deleted entry', async () => {
    const entries = await chainOf(6);
    entries.splice(2, 1);
    expect(verifyAuditChain(entries)).toMatchObject({ ok: false, firstBadSequence: 3, index: 2, problem: expect.stringContaining('missing') });
  });

  it('detects reordered entries', async () => {
    const entries = await chainOf(6);
    [entries[1], entries[2]] = [entries[2]!, entries[1]!];
    expect(verifyAuditChain(entries)).toMatchObject({ ok: false, firstBadSequence: 2 });
  });

  it('detects an inserted entry, even one re-sealed with a valid hash of its own', async () => {
    const entries = await chainOf(6);
    const naive = [...entries];
    naive.splice(3, 0, { ...entries[2]!, requestId: 'req_forged' });
    expect(verifyAuditChain(naive)).toMatchObject({ ok: false, firstBadSequence: 4 });
    // A forger who renumbers and re-seals the inserted entry still breaks the link after it.
    const resealed = [...entries.slice(0, 3), sealAuditEntry({ ...record(99) }, 4, entries[2]!.hash, entries[2]!.at)];
    for (const entry of entries.slice(3)) resealed.push({ ...entry, seq: entry.seq + 1, hash: hashAuditEntry({ ...entry, seq: entry.seq + 1 }) });
    expect(verifyAuditChain(resealed)).toMatchObject({ ok: false, firstBadSequence: 5, problem: expect.stringContaining('does not link') });
  });

  it('detects entries cut from the end only against a kept head hash', async () => {
    const entries = await chainOf(4);
    const head = entries[3]!.hash;
    expect(verifyAuditChain(entries.slice(0, 3)).ok).toBe(true);
    expect(verifyAuditChain(entries.slice(0, 3), { expectedHeadHash: head })).toMatchObject({ ok: false, firstBadSequence: 4 });
    expect(verifyAuditChain(entries, { expectedHeadHash: head }).ok).toBe(true);
  });

  it('verifies an excerpt when partial, and reports malformed entries', async () => {
    const entries = await chainOf(5);
    expect(verifyAuditChain(entries.slice(2)).ok).toBe(false);
    expect(verifyAuditChain(entries.slice(2), { partial: true })).toMatchObject({ ok: true, entries: 3 });
    expect(verifyAuditChain([entries[0], 'not json', entries[2]])).toMatchObject({ ok: false, firstBadSequence: 2, index: 1 });
  });

  it('continues the chain of an existing log after a restart', async () => {
    const log = createMemoryAppendLog();
    await createAuditTrail({ log }).record(record(1));
    const restarted = createAuditTrail({ log });
    const entry = await restarted.record(record(2));
    expect(entry.seq).toBe(2);
    expect(await restarted.verify()).toMatchObject({ ok: true, entries: 2 });
  });

  it('leaves no hole when a write fails: later records link to the last entry written', async () => {
    const memory = createMemoryAppendLog();
    let failNext = false;
    const flaky: AuditAppendLog = {
      append: (name, values) => (failNext ? ((failNext = false), Promise.reject(new Error('store down'))) : memory.append(name, values)),
      read: (name, options) => memory.read(name, options),
    };
    const trail = createAuditTrail({ log: flaky });
    await trail.record(record(1));
    failNext = true;
    await expect(trail.record(record(2))).rejects.toThrow('store down');
    await trail.record(record(3));
    expect((await trail.entries()).map((entry) => [entry.seq, entry.requestId])).toEqual([
      [1, 'req_1'],
      [2, 'req_3'],
    ]);
    expect((await trail.verify()).ok).toBe(true);
  });

  it('accepts any stores AppendLog as its log', () => {
    const log: AppendLog = createMemoryAppendLog();
    const fits: AuditAppendLog = log;
    expect(fits).toBe(log);
  });

  it('stays one chain when several writers share a trail name, as replicas on one Redis do', async () => {
    const log = createMemoryAppendLog();
    const replicas = [createAuditTrail({ log }), createAuditTrail({ log }), createAuditTrail({ log })];
    // Each replica learns the chain's end on first use, then the others move it on.
    await Promise.all(Array.from({ length: 60 }, (_, index) => replicas[index % 3]!.record(record(index + 1))));
    const entries = await replicas[0]!.entries();
    expect(entries).toHaveLength(60);
    expect(entries.map((entry) => entry.seq)).toEqual(Array.from({ length: 60 }, (_, index) => index + 1));
    expect(verifyAuditChain(entries)).toMatchObject({ ok: true, entries: 60 });
  });

  it('without conditional appends (a file), keeps the single-writer behaviour', async () => {
    const memory = createMemoryAppendLog();
    const plain: AuditAppendLog = { append: (name, values) => memory.append(name, values), read: (name, options) => memory.read(name, options) };
    const trail = createAuditTrail({ log: plain });
    await Promise.all([1, 2, 3].map((index) => trail.record(record(index))));
    expect(verifyAuditChain(await trail.entries())).toMatchObject({ ok: true, entries: 3 });
  });

  it('links a new entry to the last audit entry, not to something else appended to the log', async () => {
    const log = createMemoryAppendLog();
    const first = createAuditTrail({ log });
    await first.record(record(1));
    await first.record(record(2));
    await log.append('audit', [{ hello: 'not an audit entry' }]);
    const second = createAuditTrail({ log });
    const sealed = await second.record(record(3));
    const entries = (await log.read<AuditEntry>('audit')).map((item) => item.value);
    expect(sealed).toMatchObject({ seq: 3, prevHash: entries[1]!.hash });
    expect(verifyAuditChain(entries)).toMatchObject({ ok: false, firstBadSequence: 3, problem: expect.stringContaining('not an audit entry') });
  });
});
