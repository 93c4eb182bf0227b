import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { echoPack, summarizePack } from '@agentry/task-packs';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTaskPack } from '../core/task-pack';
import { createRuntime } from '../runtime';
import { createServer } from './create-server';
import { keyA, keyB, startTestServer, testApiKeys, waitFor, type TestServer } from './server-test-kit';

const scopedPack = defineTaskPack({
  id: 'acme/shout',
  version: '1.0.0',
  description: 'Upper-cases its input.',
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
  handler: (input) => ({ text: input.text.toUpperCase() }),
});

let running: TestServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(): Promise<TestServer> {
  running = await startTestServer({ packs: [echoPack, summarizePack, scopedPack] });
  return running;
}

describe('createServer routes', () => {
  it('invokes echo and answers 200 with the InvokeResult', async () => {
    const { post } = await start();
    const response = await post('/v1/agents/echo/invoke', { input: { text: 'hello' } });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.json).toMatchObject({ agent: 'echo', version: '1.0.0', output: { text: 'hello' }, cache: { hit: false }, variant: null });
    expect(response.json.id).toMatch(/^inv_/);
  });

  it('decodes a scoped agent id sent literally or as %2F', async () => {
    const { post } = await start();
    const literal = await post('/v1/agents/acme/shout/invoke', { input: { text: 'hi' } });
    const encoded = await post('/v1/agents/acme%2Fshout/invoke', { input: { text: 'hi' } });
    expect(literal.json.output).toEqual({ text: 'HI' });
    expect(encoded.json.output).toEqual({ text: 'HI' });
  });

  it('lists the hosted agents with their manifests', async () => {
    const { call } = await start();
    const response = await call('GET', '/v1/agents');
    expect(response.status).toBe(200);
    expect(response.json.agents.map((agent: { id: string }) => agent.id).sort()).toEqual(['acme/shout', 'echo', 'summarize']);
    expect(response.json.agents[0].inputSchema).toHaveProperty('type', 'object');
  });

  it('answers /healthz and /readyz without an API key', async () => {
    const { call } = await start();
    expect((await call('GET', '/healthz', { authorization: '' })).json).toEqual({ status: 'ok' });
    const readyz = await call('GET', '/readyz', { authorization: '' });
    expect(readyz.status).toBe(200);
    expect(readyz.json).toEqual({ status: 'ready' });
  });

  it('echoes a well-formed X-Request-Id and passes it to the runtime', async () => {
    const { post } = await start();
    const response = await post('/v1/agents/echo/invoke', { input: { text: 'a' } }, { 'x-request-id': 'trace-42:abc.def' });
    expect(response.headers['x-request-id']).toBe('trace-42:abc.def');
    expect(response.json.requestId).toBe('trace-42:abc.def');
  });

  it('replaces a malformed X-Request-Id with a generated req_ id, also on errors', async () => {
    const { post } = await start();
    const response = await post('/v1/agents/nope/invoke', { input: {} }, { 'x-request-id': 'has spaces and <html>' });
    expect(response.status).toBe(404);
    expect(response.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
    expect(response.json.error.requestId).toBe(response.headers['x-request-id']);
  });
});

describe('createServer client disconnects', () => {
  it('cancels an invoke whose client went away, unless it carries an Idempotency-Key', async () => {
    const started: string[] = [];
    const cancelled: string[] = [];
    const waiting = defineTaskPack({
      id: 'waiting',
      version: '1.0.0',
      description: 'Waits until cancelled or released.',
      input: z.object({ name: z.string() }),
      output: z.object({}),
      async handler(input, context) {
        started.push(input.name);
        await new Promise((resolve) => {
          context.signal.addEventListener('abort', resolve, { once: true });
          setTimeout(resolve, 300);
        });
        if (context.signal.aborted) cancelled.push(input.name);
        return {};
      },
    });
    running = await startTestServer({ packs: [waiting] });
    const send = async (name: string, headers: Record<string, string>) => {
      const controller = new AbortController();
      const pending = request(`${running!.url}/v1/agents/waiting/invoke`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keyA}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ input: { name } }),
        signal: controller.signal,
      }).catch(() => undefined);
      await waitFor(() => (started.includes(name) ? true : undefined));
      controller.abort();
      await pending;
    };
    await send('plain', {});
    await send('keyed', { 'idempotency-key': 'keyed-1' });
    await waitFor(() => (cancelled.includes('plain') ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(cancelled).toEqual(['plain']);
  });
});

describe('createServer auth', () => {
  it('refuses a /v1 request without a key with 401 and WWW-Authenticate: Bearer', async () => {
    const { call } = await start();
    const response = await call('GET', '/v1/agents', { authorization: '' });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json.error).toMatchObject({ code: 'AGENTRY_UNAUTHORIZED' });
    expect(response.json.error.requestId).toBeTypeOf('string');
  });

  it('refuses an unknown key and a non-Bearer scheme with 401', async () => {
    const { call } = await start();
    expect((await call('GET', '/v1/agents', { authorization: 'Bearer not-a-key' })).status).toBe(401);
    expect((await call('GET', '/v1/agents', { authorization: `Basic ${keyA}` })).status).toBe(401);
    expect((await call('GET', '/v1/agents', { authorization: `bearer ${keyB}` })).status).toBe(200);
  });

  it('accepts keys from a lookup function', async () => {
    running = await startTestServer({
      packs: [echoPack],
      apiKeys: async (key) => (key === 'from-db' ? { tenant: 'db-tenant' } : undefined),
    });
    expect((await running.call('GET', '/v1/agents', { authorization: 'Bearer from-db' })).status).toBe(200);
    expect((await running.call('GET', '/v1/agents', { authorization: `Bearer ${keyA}` })).status).toBe(401);
  });
});

describe('createServer routing errors', () => {
  it('answers an unknown route with 404 AGENTRY_NOT_FOUND', async () => {
    const { call } = await start();
    const response = await call('GET', '/v2/whatever');
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe('AGENTRY_NOT_FOUND');
  });

  it('answers a wrong method with 405 and an Allow header', async () => {
    const { call } = await start();
    const invoke = await call('GET', '/v1/agents/echo/invoke');
    expect(invoke.status).toBe(405);
    expect(invoke.headers.allow).toBe('POST');
    expect(invoke.json.error.code).toBe('AGENTRY_METHOD_NOT_ALLOWED');
    expect((await call('PUT', '/v1/jobs/job_1')).headers.allow).toBe('GET, DELETE');
  });

  it('refuses a malformed Idempotency-Key with 400 AGENTRY_INVALID_REQUEST', async () => {
    const { post } = await start();
    const response = await post('/v1/agents/echo/invoke', { input: { text: 'a' } }, { 'idempotency-key': 'has space' });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('AGENTRY_INVALID_REQUEST');
  });
});

describe('createServer embedding and options', () => {
  it('serves through handle() mounted in a node:http server of your own', async () => {
    const server = createServer({ packs: [echoPack], apiKeys: testApiKeys });
    const host = createHttpServer((request, response) => void server.handle(request, response));
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = host.address() as AddressInfo;
      const response = await request(`http://127.0.0.1:${port}/v1/agents/echo/invoke`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keyA}`, 'content-type': 'application/json' },
        body: JSON.stringify({ input: { text: 'embedded' } }),
      });
      expect(((await response.body.json()) as { output: unknown }).output).toEqual({ text: 'embedded' });
    } finally {
      await server.close();
      host.closeAllConnections();
      await new Promise((resolve) => host.close(resolve));
    }
  });

  it('serves a runtime it was given', async () => {
    const runtime = createRuntime({ packs: [echoPack] });
    running = await startTestServer({ runtime });
    expect(running.server.runtime).toBe(runtime);
    expect((await running.post('/v1/agents/echo/invoke', { input: { text: 'x' } })).status).toBe(200);
  });

  it('throws AGENTRY_INVALID_OPTIONS naming the wrong field', () => {
    const attempt = (options: unknown) => () => createServer(options as never);
    expect(attempt({ packs: [echoPack] })).toThrow(/`apiKeys`/);
    expect(attempt({ apiKeys: testApiKeys })).toThrow(/`packs`/);
    expect(attempt({ packs: [echoPack], apiKeys: testApiKeys, limits: { maxBodyBytes: 0 } })).toThrow(/`limits.maxBodyBytes`/);
    expect(attempt({ packs: [echoPack], apiKeys: testApiKeys, streams: { replayWindowMs: -1 } })).toThrow(/`streams.replayWindowMs`/);
    expect(attempt({ packs: [echoPack], apiKeys: testApiKeys, shutdownTimeoutMs: 1.5 })).toThrow(/`shutdownTimeoutMs`/);
    expect(attempt({ packs: [echoPack], apiKeys: { 'secret-key': {} } })).toThrow(/`apiKeys`/);
    expect(attempt({ packs: [echoPack], apiKeys: { 'secret-key': {} } })).not.toThrow(/secret-key/);
    const runtime = createRuntime({ packs: [echoPack] });
    expect(attempt({ runtime, packs: [echoPack], apiKeys: testApiKeys })).toThrow(/`packs`/);
    expect(attempt({ runtime, jobs: { concurrency: 1 }, apiKeys: testApiKeys })).toThrow(/`jobs`/);
    try {
      attempt({ packs: [echoPack] })();
    } catch (error) {
      expect(error).toMatchObject({ code: 'AGENTRY_INVALID_OPTIONS' });
    }
  });
});
