import { echoPack, summarizePack } from '@agentry/task-packs';
import { Registry, register as globalRegistry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTaskPack } from '../core/task-pack';
import { createRuntime } from '../runtime';
import { createServer } from './create-server';
import { createInvocationObserver } from './invocation-observer';
import { brokenPack, createGate, keyA, keyB, parseExposition, readStream, sampleValue, startTestServer, testApiKeys, waitFor, type TestServer } from './server-test-kit';

const metricsToken = 'scrape-token-for-tests-0001';
const text = 'Agentry runs agents in production. It meters every call. Streams resume after a cut.';


let running: TestServer[] = [];
afterEach(async () => {
  await Promise.all(running.map((server) => server.close()));
  running = [];
});

async function start(options: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const server = await startTestServer(options);
  running.push(server);
  return server;
}

async function scrape(server: TestServer, token = metricsToken) {
  const response = await server.call('GET', '/metrics', { authorization: `Bearer ${token}` });
  expect(response.status).toBe(200);
  return parseExposition(response.text);
}

describe('GET /metrics access', () => {
  it('is closed by default: 403 with a hint naming metrics.token, whatever key is sent', async () => {
    const server = await start({ packs: [echoPack] });
    for (const authorization of ['', `Bearer ${keyA}`, `Bearer ${metricsToken}`]) {
      const response = await server.call('GET', '/metrics', { authorization });
      expect(response.status).toBe(403);
      expect(response.json.error.code).toBe('AGENTRY_FORBIDDEN');
      expect(response.json.error.hint).toContain('metrics.token');
    }
  });

  it('serves the Prometheus text format to the scrape token, and refuses API keys and wrong tokens with 401', async () => {
    const server = await start({ packs: [echoPack], metrics: { token: metricsToken } });
    const response = await server.call('GET', '/metrics', { authorization: `Bearer ${metricsToken}` });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(parseExposition(response.text).length).toBeGreaterThan(0);
    for (const authorization of ['', `Bearer ${keyA}`, `Bearer ${metricsToken}x`, `Basic ${metricsToken}`]) {
      const refused = await server.call('GET', '/metrics', { authorization });
      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toBe('Bearer');
      expect(refused.json.error.code).toBe('AGENTRY_UNAUTHORIZED');
    }
  });

  it('serves anyone only when metrics.public is set', async () => {
    const server = await start({ packs: [echoPack], metrics: { public: true } });
    const response = await server.call('GET', '/metrics', { authorization: '' });
    expect(response.status).toBe(200);
    expect(() => parseExposition(response.text)).not.toThrow();
  });

  it('answers 404 and records nothing with metrics: false', async () => {
    const server = await start({ packs: [echoPack], metrics: false });
    expect(server.server.metricsRegistry).toBeUndefined();
    const response = await server.call('GET', '/metrics', { authorization: `Bearer ${metricsToken}` });
    expect(response.status).toBe(404);
  });

  it('is still served while the server closes', async () => {
    const started = createGate();
    const gate = createGate();
    const slow = defineTaskPack({
      id: 'slow',
      version: '1.0.0',
      description: 'Waits for the test.',
      input: z.object({}),
      output: z.object({}),
      handler: async () => {
        started.open();
        await gate.promise;
        return {};
      },
    });
    const server = await start({ packs: [slow], metrics: { token: metricsToken } });
    const call = server.post('/v1/agents/slow/invoke', { input: {} });
    await started.promise;
    const closing = server.server.close({ timeoutMs: 5_000 });
    expect((await server.call('GET', '/readyz')).status).toBe(503);
    const samples = await scrape(server);
    expect(sampleValue(samples, 'agentry_http_requests_in_flight')).toBeGreaterThanOrEqual(1);
    gate.open();
    await call;
    await closing;
  });

  it('refuses unsafe or malformed metrics options with AGENTRY_INVALID_OPTIONS', () => {
    const make = (metrics: object) => () => createServer({ packs: [], apiKeys: testApiKeys, metrics });
    expect(make({ token: 'short' })).toThrow(/metrics\.token/);
    expect(make({ token: metricsToken, public: true })).toThrow(/metrics\.public/);
    expect(make({ durationBuckets: [1, 0.5] })).toThrow(/metrics\.durationBuckets/);
    expect(make({ tenantLabel: 'yes' })).toThrow(/metrics\.tenantLabel/);
  });
});

describe('GET /metrics figures', () => {
  it('counts requests by route template and status, never by raw path, with their durations', async () => {
    const server = await start({ packs: [echoPack], metrics: { token: metricsToken } });
    await server.post('/v1/agents/echo/invoke', { input: { text: 'hi' } });
    await server.post('/v1/agents/echo/invoke', { input: { text: 'hi' } });
    await server.call('GET', '/v1/jobs/job_first');
    await server.call('GET', '/v1/jobs/job_second');
    await server.call('GET', '/no/such/path/42');
    const samples = await scrape(server);
    const invoke = { method: 'POST', route: '/v1/agents/{agent}/invoke' };
    expect(sampleValue(samples, 'agentry_http_requests_total', { ...invoke, status: '200' })).toBe(2);
    expect(sampleValue(samples, 'agentry_http_requests_total', { method: 'GET', route: '/v1/jobs/{id}', status: '404' })).toBe(2);
    expect(sampleValue(samples, 'agentry_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(sampleValue(samples, 'agentry_http_request_duration_seconds_count', invoke)).toBe(2);
    expect(sampleValue(samples, 'agentry_http_request_duration_seconds_bucket', { ...invoke, le: '+Inf' })).toBe(2);
    expect(sampleValue(samples, 'agentry_http_request_duration_seconds_sum', invoke)).toBeGreaterThan(0);
    // No label of the HTTP metrics carries an id, an agent or a raw path.
    const labelValues = samples.filter((sample) => sample.name.startsWith('agentry_http_')).flatMap((sample) => Object.values(sample.labels));
    expect(labelValues.filter((value) => /job_|no\/such|echo/.test(value))).toEqual([]);
  });

  it('counts invocations by agent and outcome, tokens by kind and cost, with no tenant label by default', async () => {
    const server = await start({ packs: [echoPack, summarizePack, brokenPack], costOf: () => 0.25, metrics: { token: metricsToken } });
    await server.post('/v1/agents/summarize/invoke', { input: { text } });
    await server.post('/v1/agents/echo/invoke', { input: { text: 'hi' } }, { authorization: `Bearer ${keyB}` });
    await server.post('/v1/agents/broken/invoke', { input: {} });
    const samples = await scrape(server);
    expect(sampleValue(samples, 'agentry_invocations_total', { agent: 'summarize', outcome: 'success' })).toBe(1);
    expect(sampleValue(samples, 'agentry_invocations_total', { agent: 'echo', outcome: 'success' })).toBe(1);
    expect(sampleValue(samples, 'agentry_invocations_total', { agent: 'broken', outcome: 'error' })).toBe(1);
    expect(sampleValue(samples, 'agentry_tokens_total', { agent: 'summarize', kind: 'input' })).toBeGreaterThan(0);
    expect(sampleValue(samples, 'agentry_tokens_total', { agent: 'summarize', kind: 'output' })).toBeGreaterThan(0);
    expect(sampleValue(samples, 'agentry_tokens_total', { agent: 'summarize', kind: 'reasoning' })).toBe(0);
    expect(sampleValue(samples, 'agentry_cost_usd_total', { agent: 'summarize' })).toBe(0.25);
    expect(sampleValue(samples, 'agentry_cache_hits_total', { agent: 'summarize' })).toBe(0);
    expect(samples.some((sample) => 'tenant' in sample.labels)).toBe(false);
  });

  it('labels invocation metrics with the tenant when tenantLabel is set', async () => {
    const server = await start({ packs: [echoPack], metrics: { token: metricsToken, tenantLabel: true } });
    await server.post('/v1/agents/echo/invoke', { input: { text: 'hi' } });
    await server.post('/v1/agents/echo/invoke', { input: { text: 'hi' } }, { authorization: `Bearer ${keyB}` });
    const samples = await scrape(server);
    expect(sampleValue(samples, 'agentry_invocations_total', { tenant: 'tenant-a', agent: 'echo', outcome: 'success' })).toBe(1);
    expect(sampleValue(samples, 'agentry_invocations_total', { tenant: 'tenant-b', agent: 'echo', outcome: 'success' })).toBe(1);
  });

  it("keeps each server's figures in a registry of its own, never prom-client's global one", async () => {
    const first = await start({ packs: [echoPack], metrics: { token: metricsToken } });
    const second = await start({ packs: [echoPack], metrics: { token: metricsToken } });
    await first.post('/v1/agents/echo/invoke', { input: { text: 'hi' } });
    expect(sampleValue(await scrape(first), 'agentry_invocations_total', { agent: 'echo', outcome: 'success' })).toBe(1);
    expect(sampleValue(await scrape(second), 'agentry_invocations_total', { agent: 'echo' })).toBeUndefined();
    expect(globalRegistry.getMetricsAsArray().filter((metric) => metric.name.startsWith('agentry_'))).toEqual([]);
    expect(first.server.metricsRegistry).not.toBe(second.server.metricsRegistry);
  });

  it('merges into an exposition of your own with Registry.merge', async () => {
    const server = await start({ packs: [echoPack], metrics: { token: metricsToken } });
    await server.post('/v1/agents/echo/invoke', { input: { text: 'hi' } });
    const yours = new Registry();
    const merged = Registry.merge([yours, server.server.metricsRegistry!]);
    const samples = parseExposition(await merged.metrics());
    expect(sampleValue(samples, 'agentry_invocations_total', { agent: 'echo', outcome: 'success' })).toBe(1);
    expect(sampleValue(samples, 'agentry_http_request_duration_seconds_count', { route: '/v1/agents/{agent}/invoke' })).toBe(1);
  });

  it('adds Node process metrics only when processMetrics is set', async () => {
    const plain = await start({ packs: [echoPack], metrics: { token: metricsToken } });
    const withProcess = await start({ packs: [echoPack], metrics: { token: metricsToken, processMetrics: true } });
    expect(sampleValue(await scrape(plain), 'process_cpu_user_seconds_total')).toBeUndefined();
    expect(sampleValue(await scrape(withProcess), 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
  });

  it('reports a running stream as active and in flight, then as retained once it finished', async () => {
    const gate = createGate();
    const waiting = defineTaskPack({
      id: 'waiting',
      version: '1.0.0',
      description: 'Streams one delta, then waits for the test.',
      streaming: true,
      input: z.object({}),
      output: z.object({}),
      async *handler() {
        yield { type: 'text-delta' as const, text: 'first' };
        await gate.promise;
        return {};
      },
    });
    const server = await start({ packs: [waiting], metrics: { token: metricsToken } });
    const stream = readStream(`${server.url}/v1/agents/waiting/stream`, { input: {} });
    const during = await waitFor(async () => {
      const samples = await scrape(server);
      return sampleValue(samples, 'agentry_streams_active') === 1 ? samples : undefined;
    });
    // The stream and this scrape.
    expect(sampleValue(during, 'agentry_http_requests_in_flight')).toBe(2);
    gate.open();
    await stream;
    const after = await scrape(server);
    expect(sampleValue(after, 'agentry_streams_active')).toBe(0);
    expect(sampleValue(after, 'agentry_streams_retained')).toBe(1);
    expect(sampleValue(after, 'agentry_http_requests_total', { route: '/v1/agents/{agent}/stream', status: '200' })).toBe(1);
  });

  it('counts jobs while they run and once they finished, by final state', async () => {
    const gate = createGate();
    const slow = defineTaskPack({ id: 'slow', version: '1.0.0', description: 'Waits for the test.', input: z.object({}), output: z.object({}), handler: async () => (await gate.promise, {}) });
    const server = await start({ packs: [slow, brokenPack], metrics: { token: metricsToken } });
    const job = (await server.post('/v1/agents/slow/jobs', { input: {} })).json;
    await server.post('/v1/agents/broken/jobs', { input: {} });
    await waitFor(async () => (sampleValue(await scrape(server), 'agentry_jobs_running') === 1 ? true : undefined));
    gate.open();
    await waitFor(async () => ((await server.call('GET', `/v1/jobs/${job.jobId}`)).json.status === 'succeeded' ? true : undefined));
    const samples = await waitFor(async () => {
      const current = await scrape(server);
      return sampleValue(current, 'agentry_jobs_running') === 0 ? current : undefined;
    });
    expect(sampleValue(samples, 'agentry_jobs_finished_total', { state: 'succeeded' })).toBe(1);
    expect(sampleValue(samples, 'agentry_jobs_finished_total', { state: 'failed' })).toBe(1);
  });

  it('counts the invocations of a runtime given with its observer, and none of one given without', async () => {
    const observer = createInvocationObserver();
    const observed = await start({ runtime: createRuntime({ packs: [echoPack], middleware: [observer] }), observer, metrics: { token: metricsToken } });
    const unobserved = await start({ runtime: createRuntime({ packs: [echoPack] }), metrics: { token: metricsToken } });
    await observed.post('/v1/agents/echo/invoke', { input: { text: 'hi' } });
    await unobserved.post('/v1/agents/echo/invoke', { input: { text: 'hi' } });
    expect(sampleValue(await scrape(observed), 'agentry_invocations_total', { agent: 'echo', outcome: 'success' })).toBe(1);
    const samples = await scrape(unobserved);
    expect(sampleValue(samples, 'agentry_invocations_total', { agent: 'echo' })).toBeUndefined();
    expect(sampleValue(samples, 'agentry_http_requests_total', { route: '/v1/agents/{agent}/invoke', status: '200' })).toBe(1);
  });
});
