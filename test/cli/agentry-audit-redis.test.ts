import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuditTrail, createRuntime, governanceMiddleware } from '@agentry/sdk';
import { createRedisAppendLog } from '@agentry/sdk/redis';
import { echoPack } from '@agentry/task-packs';
import { runAuditCommand } from '../../packages/sdk/src/cli/commands/audit';
import { startRedisServer, type RedisServer } from '../support/redis-server';

let redis: RedisServer;
let raw: Redis;
const stream = 'agentry:audit:eu-1';

beforeAll(async () => {
  redis = await startRedisServer();
  raw = new Redis(redis.url);
});
afterAll(async () => {
  raw?.disconnect();
  await redis?.stop();
});

beforeEach(async () => {
  // A fresh trail per test: five decisions of one replica, one of them a refusal.
  await raw.del(stream);
  const log = await createRedisAppendLog({ redis: redis.url });
  const audit = createAuditTrail({ log, name: 'audit:eu-1' });
  const governance = governanceMiddleware({ audit, tiers: { free: { agents: ['summarize'] }, pro: { agents: ['echo'] } }, tenantTier: (tenant) => (tenant === 'corner-shop' ? 'free' : 'pro') });
  const runtime = createRuntime({ packs: [echoPack], middleware: [governance] });
  for (const tenant of ['acme', 'globex', 'acme', 'initech']) await runtime.invoke({ agent: 'echo', tenant, input: { text: `hi from ${tenant}` } });
  await expect(runtime.invoke({ agent: 'echo', tenant: 'corner-shop', input: { text: 'hi' } })).rejects.toMatchObject({ code: 'AGENTRY_FORBIDDEN_TOOL' });
  await log.close?.();
});

async function audit(argv: string[]) {
  const out = { stdout: '', stderr: '' };
  const code = await runAuditCommand(argv, { stdout: { write: (text: string) => (out.stdout += text) }, stderr: { write: (text: string) => (out.stderr += text) } });
  return { code, ...out };
}

/** Rewrites the stream as an intruder with write access would: same IDs, one value changed. */
async function rewrite(change: (entries: [string, string][]) => [string, string][]): Promise<void> {
  const entries = (await raw.xrange(stream, '-', '+')).map(([id, fields]): [string, string] => [id, fields[1]!]);
  await raw.del(stream);
  for (const [id, value] of change(entries)) await raw.xadd(stream, id, 'v', value);
}

describe('agentry audit verify --redis', () => {
  it('reports the intact trail a governance middleware wrote to Redis, and exits 0', async () => {
    const result = await audit(['verify', '--redis', redis.url, '--log', 'audit:eu-1']);
    expect(result.stdout).toMatch(new RegExp(`^${redis.url}.*\\(log audit:eu-1\\): intact, 5 entries, head 5 sha256:[0-9a-f]{64}\\n$`));
    expect(result.code).toBe(0);
  });

  it('keeps one intact chain when two replicas write the same trail name at once', async () => {
    await raw.del('agentry:audit:shared');
    const logs = [await createRedisAppendLog({ redis: redis.url }), await createRedisAppendLog({ redis: redis.url })];
    const replicas = logs.map((log) => createAuditTrail({ log, name: 'audit:shared' }));
    const runtimes = replicas.map((audit) => createRuntime({ packs: [echoPack], middleware: [governanceMiddleware({ audit })] }));
    await Promise.all(Array.from({ length: 40 }, (_, index) => runtimes[index % 2]!.invoke({ agent: 'echo', tenant: 'acme', input: { text: `call ${index}` } })));
    await Promise.all(logs.map((log) => log.close?.()));
    const result = await audit(['verify', '--redis', redis.url, '--log', 'audit:shared']);
    expect(result.stdout).toContain('intact, 40 entries');
    expect(result.code).toBe(0);
  });

  it('records every entry when ten replicas keep writing one trail at once, and recovers when the stream is deleted under it', async () => {
    await raw.del('agentry:audit:busy');
    const logs = await Promise.all(Array.from({ length: 10 }, () => createRedisAppendLog({ redis: redis.url })));
    const replicas = logs.map((log) => createAuditTrail({ log, name: 'audit:busy' }));
    const record = (index: number) => ({ requestId: `req_${index}`, invocationId: `inv_${index}`, tenant: 'acme', agent: 'echo', version: '1.0.0', mode: 'invoke' as const, decision: 'allow' as const, outcome: 'succeeded' as const });
    // Each replica records one call after another, as sequential requests do, all replicas at once.
    await Promise.all(replicas.map(async (trail, replica) => {
      for (let index = 0; index < 20; index++) await trail.record(record(replica * 20 + index));
    }));
    expect((await audit(['verify', '--redis', redis.url, '--log', 'audit:busy'])).stdout).toContain('intact, 200 entries');

    await raw.del('agentry:audit:busy');
    await replicas[3]!.record(record(1_000));
    await replicas[7]!.record(record(1_001));
    expect((await audit(['verify', '--redis', redis.url, '--log', 'audit:busy'])).stdout).toContain('intact, 2 entries');
    await Promise.all(logs.map((log) => log.close?.()));
  });

  it('names the first bad sequence and its stream id of an edited entry, and exits 1', async () => {
    await rewrite((entries) => entries.map(([id, value], index) => [id, index === 2 ? value.replace('"tenant":"acme"', '"tenant":"mallory"') : value]));
    const edited = await audit(['verify', '--redis', redis.url, '--log', 'audit:eu-1', '--json']);
    expect(edited.code).toBe(1);
    expect(JSON.parse(edited.stdout)).toMatchObject({ redis: redis.url, log: 'audit:eu-1', ok: false, firstBadSequence: 3, at: 'stream id 0-3' });
  });

  it('reports an entry overwritten with text that is not JSON where it sits, instead of failing to read', async () => {
    await rewrite((entries) => entries.map(([id, value], index) => [id, index === 3 ? '{"seq":4,' : value]));
    const garbled = await audit(['verify', '--redis', redis.url, '--log', 'audit:eu-1']);
    expect(garbled.code).toBe(1);
    expect(garbled.stdout).toMatch(/TAMPERED at sequence 4 \(stream id 0-4\): entry 4 is not an audit entry/);
  });

  it('detects a deleted entry', async () => {
    await raw.xdel(stream, '0-2');
    const deleted = await audit(['verify', '--redis', redis.url, '--log', 'audit:eu-1']);
    expect(deleted.code).toBe(1);
    expect(deleted.stdout).toMatch(/TAMPERED at sequence 2 \(stream id 0-3\): entry 2 is missing/);
  });

  it('detects a trimmed tail with --head, and exports one tenant’s entries from Redis', async () => {
    const head = JSON.parse((await raw.xrevrange(stream, '+', '-', 'COUNT', 1))[0]![1][1]!) as { hash: string };
    await raw.xdel(stream, '0-5');
    expect((await audit(['verify', '--redis', redis.url, '--log', 'audit:eu-1'])).code).toBe(0);
    const cut = await audit(['verify', '--redis', redis.url, '--log', 'audit:eu-1', '--head', head.hash]);
    expect(cut.code).toBe(1);

    const exported = await audit(['export', '--redis', redis.url, '--log', 'audit:eu-1', '--tenant', 'acme']);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toContain('intact, 4 entries');
    expect(exported.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual([1, 3]);
  });

  it('fails on an empty or deleted log unless told one is expected, and with a coded error and hint when Redis cannot be reached', async () => {
    const empty = await audit(['verify', '--redis', redis.url, '--log', 'nobody-wrote-this']);
    expect(empty.code).toBe(1);
    expect(empty.stdout).toContain('the log is empty, nothing to verify');
    await raw.del(stream);
    expect((await audit(['verify', '--redis', redis.url, '--log', 'audit:eu-1'])).code).toBe(1);
    expect((await audit(['export', '--redis', redis.url, '--log', 'audit:eu-1'])).code).toBe(1);
    const allowed = await audit(['verify', '--redis', redis.url, '--log', 'nobody-wrote-this', '--allow-empty']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('intact, 0 entries, empty');
    await expect(audit(['verify', '--redis', 'redis://:s3cret@127.0.0.1:1'])).rejects.toMatchObject({
      code: 'AGENTRY_STORE_UNAVAILABLE',
      message: expect.not.stringContaining('s3cret'),
    });
    await expect(audit(['verify', 'audit.jsonl', '--redis', redis.url])).rejects.toMatchObject({ code: 'AGENTRY_INVALID_OPTIONS' });
    for (const url of ['redis://127.0.0.1:1?password=s3cret', 'redis://:s3cret@127.0.0.1:99999']) {
      await expect(audit(['verify', '--redis', url])).rejects.toMatchObject({ message: expect.not.stringContaining('s3cret') });
    }
  });
});
