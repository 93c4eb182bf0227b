import { echoPack, summarizePack } from '@agentry/task-packs';
import { afterEach, describe, expect, it } from 'vitest';
import { usageReportSchema } from '../contract';
import { cacheMiddleware } from '../middleware/cache';
import { createRuntime } from '../runtime';
import { createMemoryKeyValueStore } from '../stores';
import { createInvocationObserver } from './invocation-observer';
import { brokenPack, keyB, startTestServer, type TestServer } from './server-test-kit';

const text = 'Agentry runs agents in production. It meters every call. Streams resume after a cut.';

let running: TestServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(options: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  running = await startTestServer(options);
  return running;
}

describe('GET /v1/usage', () => {
  it("reports the caller's tenant usage in total and per agent, never another tenant's", async () => {
    const cache = cacheMiddleware({ store: createMemoryKeyValueStore(), ttlMs: 60_000 });
    const server = await start({ packs: [echoPack, summarizePack, brokenPack], middleware: [cache], costOf: () => 0.5 });
    await server.post('/v1/agents/summarize/invoke', { input: { text } });
    await server.post('/v1/agents/summarize/invoke', { input: { text } });
    await server.post('/v1/agents/broken/invoke', { input: {} });
    await server.post('/v1/agents/echo/invoke', { input: { text: 'tenant B only' } }, { authorization: `Bearer ${keyB}` });

    const response = await server.call('GET', '/v1/usage');
    expect(response.status).toBe(200);
    const report = usageReportSchema.parse(response.json);
    expect(report.tenant).toBe('tenant-a');
    expect(report.agents.map((agent) => agent.agent)).toEqual(['broken', 'summarize']);
    const summarize = report.agents.find((agent) => agent.agent === 'summarize')!;
    expect(summarize).toMatchObject({ calls: 2, successes: 2, errors: 0, cacheHits: 1, costUsd: 0.5, savedCostUsd: 0.5 });
    expect(summarize.inputTokens).toBeGreaterThan(0);
    expect(report.agents.find((agent) => agent.agent === 'broken')).toMatchObject({ calls: 1, successes: 0, errors: 1 });
    expect(report.totals).toMatchObject({ calls: 3, successes: 2, errors: 1, cacheHits: 1, costUsd: 0.5 });

    const other = (await server.call('GET', '/v1/usage', { authorization: `Bearer ${keyB}` })).json;
    expect(other.tenant).toBe('tenant-b');
    expect(other.agents.map((agent: { agent: string }) => agent.agent)).toEqual(['echo']);
  });

  it('reports the window asked for, widened to whole minutes', async () => {
    const server = await start({ packs: [echoPack] });
    await server.post('/v1/agents/echo/invoke', { input: { text: 'hi' } });
    const now = Date.now();
    const around = (await server.call('GET', `/v1/usage?from=${new Date(now - 120_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}`)).json;
    expect(around.totals.calls).toBe(1);
    expect(Date.parse(around.from) % 60_000).toBe(0);
    expect(Date.parse(around.to) % 60_000).toBe(0);
    const later = (await server.call('GET', `/v1/usage?from=${new Date(now + 120_000).toISOString()}`)).json;
    expect(later.totals.calls).toBe(0);
    const earlier = (await server.call('GET', '/v1/usage?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z')).json;
    expect(earlier).toMatchObject({ from: '2020-01-01T00:00:00.000Z', to: '2020-01-02T00:00:00.000Z', totals: { calls: 0 }, agents: [] });
  });

  it('answers a bad window with 400 AGENTRY_INVALID_REQUEST and a hint', async () => {
    const server = await start({ packs: [echoPack] });
    for (const query of ['from=last-week', 'to=2025-02-30T00:00:00Z', 'from=2025-06-02T00:00:00Z&to=2025-06-01T00:00:00Z', 'tenant=tenant-b']) {
      const response = await server.call('GET', `/v1/usage?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.json.error).toMatchObject({ code: 'AGENTRY_INVALID_REQUEST', hint: expect.stringContaining('ISO 8601') });
    }
  });

  it('needs an API key', async () => {
    const server = await start({ packs: [echoPack] });
    const response = await server.call('GET', '/v1/usage', { authorization: '' });
    expect(response.status).toBe(401);
  });

  it('answers 404 when usage is off, or the runtime was given without its observer', async () => {
    const off = await start({ packs: [echoPack], usage: false });
    expect((await off.call('GET', '/v1/usage')).json.error.code).toBe('AGENTRY_NOT_FOUND');
    await off.close();
    const unobserved = await start({ runtime: createRuntime({ packs: [echoPack] }) });
    const response = await unobserved.call('GET', '/v1/usage');
    expect(response.status).toBe(404);
    expect(response.json.error.hint).toContain('observer');
  });

  it('counts the calls of a runtime given with its observer, the in-process ones included', async () => {
    const observer = createInvocationObserver();
    const runtime = createRuntime({ packs: [echoPack], middleware: [observer] });
    const server = await start({ runtime, observer });
    await server.post('/v1/agents/echo/invoke', { input: { text: 'over HTTP' } });
    await runtime.invoke({ agent: 'echo', input: { text: 'in process' }, tenant: 'tenant-a' });
    expect((await server.call('GET', '/v1/usage')).json.totals.calls).toBe(2);
  });

  it('takes an observer only with a runtime, and only one made by createInvocationObserver', async () => {
    await expect(startTestServer({ packs: [echoPack], observer: createInvocationObserver() })).rejects.toThrow(/`observer` is for a runtime you create/);
    const fake = { name: 'invocation-observer', handle: () => [] } as never;
    await expect(startTestServer({ runtime: createRuntime({ packs: [echoPack] }), observer: fake })).rejects.toThrow(/createInvocationObserver/);
  });

  it('refuses malformed usage options with AGENTRY_INVALID_OPTIONS', async () => {
    await expect(startTestServer({ packs: [], usage: { granularityMs: 10 } })).rejects.toThrow(/usage\.granularityMs/);
    await expect(startTestServer({ packs: [], usage: { granularityMs: 60_000, retentionMs: 1_000 } })).rejects.toThrow(/usage\.retentionMs/);
    await expect(startTestServer({ packs: [], usage: { maxEntries: 0 } })).rejects.toThrow(/usage\.maxEntries/);
  });
});
