import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppendLogUsageSink, createRuntime, meterMiddleware } from '@agentry/sdk';
import { createRedisAppendLog } from '@agentry/sdk/redis';
import { echoPack } from '@agentry/task-packs';
import { runReportCommand } from '../../packages/sdk/src/cli/commands/report';
import { startRedisServer, type RedisServer } from '../support/redis-server';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

async function report(argv: string[]) {
  const out = { stdout: '', stderr: '' };
  const code = await runReportCommand(argv, { stdout: { write: (text: string) => (out.stdout += text) }, stderr: { write: (text: string) => (out.stderr += text) } });
  return { code, ...out };
}

describe('agentry report --redis', () => {
  it('summarises the usage ledger a meter wrote to Redis, per tenant and agent', async () => {
    const log = await createRedisAppendLog({ redis: redis.url });
    const meter = meterMiddleware({ sink: createAppendLogUsageSink({ log, closeLog: true }) });
    const runtime = createRuntime({ packs: [echoPack], middleware: [meter] });
    for (let index = 0; index < 3; index++) await runtime.invoke({ agent: 'echo', input: { text: `hi ${index}` }, tenant: 'acme' });
    await runtime.invoke({ agent: 'echo', input: { text: 'hello' }, tenant: 'globex' });
    await meter.close();

    const { code, stdout, stderr } = await report(['--redis', redis.url, '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as { redis: string; records: number; rows: Array<{ tenant: string; agent: string; calls: number }> };
    expect(summary).toMatchObject({ redis: redis.url, records: 4 });
    expect(JSON.stringify(summary)).toContain('acme');
    const table = await report(['--redis', redis.url, '--tenant', 'globex']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('globex');
    expect(table.stdout).not.toContain('acme');
  });

  it('says which source failed, with a hint, when Redis cannot be reached (exit 2)', async () => {
    const { code, stderr } = await report(['--redis', 'redis://127.0.0.1:1', '--json']);
    expect(code).toBe(2);
    expect(stderr).toContain('cannot read the usage ledger from redis://127.0.0.1:1');
    expect(stderr).toContain('hint:');
  });

  it('refuses --file and --redis together', async () => {
    expect((await report(['--file', 'usage.jsonl', '--redis', redis.url])).code).toBe(2);
  });
});
