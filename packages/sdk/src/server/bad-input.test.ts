import { once } from 'node:events';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { echoPack } from '@agentry/task-packs';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTaskPack } from '../core/task-pack';
import { keyA, startTestServer, type TestServer } from './server-test-kit';

const failingPack = defineTaskPack({
  id: 'broken',
  version: '1.0.0',
  description: 'Always throws a plain Error.',
  input: z.object({}),
  output: z.object({}),
  handler: () => {
    throw new Error('database password rejected at /srv/app/secret.ts');
  },
});

let running: TestServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(maxBodyBytes?: number): Promise<TestServer> {
  running = await startTestServer({ packs: [echoPack, failingPack], ...(maxBodyBytes === undefined ? {} : { limits: { maxBodyBytes } }) });
  return running;
}

describe('bad input and faults', () => {
  it('answers malformed JSON with 400 AGENTRY_INVALID_JSON', async () => {
    const { post } = await start();
    const response = await post('/v1/agents/echo/invoke', '{"input": {"text": ');
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: 'AGENTRY_INVALID_JSON' });
    expect(response.json.error.hint).toBeTypeOf('string');
  });

  it('answers schema-invalid input with 400 AGENTRY_INVALID_INPUT and the zod issue paths', async () => {
    const { post } = await start();
    const response = await post('/v1/agents/echo/invoke', { input: { text: 42 } });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('AGENTRY_INVALID_INPUT');
    expect(response.json.error.details).toEqual([expect.objectContaining({ path: 'text' })]);
  });

  it('answers a body of the wrong shape with 400 AGENTRY_INVALID_REQUEST and the zod issue paths', async () => {
    const { post } = await start();
    const response = await post('/v1/agents/echo/invoke', { input: { text: 'a' }, metadata: { team: 7 }, version: 'latest' });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('AGENTRY_INVALID_REQUEST');
    const paths = response.json.error.details.map((issue: { path: string }) => issue.path).sort();
    expect(paths).toEqual(['metadata.team', 'version']);
    expect((await post('/v1/agents/echo/invoke', [1, 2])).json.error.details[0].path).toBe('(root)');
  });

  it('answers an unknown agent with 404 AGENTRY_AGENT_NOT_FOUND', async () => {
    const { post } = await start();
    const response = await post('/v1/agents/no-such-agent/invoke', { input: {} });
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe('AGENTRY_AGENT_NOT_FOUND');
  });

  it('refuses a body whose Content-Length is over the limit with 413', async () => {
    const { post } = await start(1_024);
    const response = await post('/v1/agents/echo/invoke', { input: { text: 'x'.repeat(2_000) } });
    expect(response.status).toBe(413);
    expect(response.json.error.code).toBe('AGENTRY_PAYLOAD_TOO_LARGE');
  });

  it('refuses a chunked body once it passes the limit with 413, and the connection stays usable', async () => {
    const { url, post } = await start(1_024);
    const chunks = Array.from({ length: 20 }, () => Buffer.from('x'.repeat(200)));
    const response = await request(`${url}/v1/agents/echo/invoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keyA}`, 'content-type': 'application/json' },
      body: Readable.from([Buffer.from('{"input":{"text":"'), ...chunks, Buffer.from('"}}')]),
    });
    expect(response.headers['content-length']).toBeDefined();
    expect(response.statusCode).toBe(413);
    expect(((await response.body.json()) as { error: { code: string } }).error.code).toBe('AGENTRY_PAYLOAD_TOO_LARGE');
    expect((await post('/v1/agents/echo/invoke', { input: { text: 'after' } })).status).toBe(200);
  });

  it('drops a body cut off before its end without an unhandled error, and serves the next request', async () => {
    const { url, post } = await start();
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    const head = [
      'POST /v1/agents/echo/invoke HTTP/1.1',
      `host: ${hostname}:${port}`,
      `authorization: Bearer ${keyA}`,
      'content-type: application/json',
      'content-length: 100',
    ].join('\r\n');
    socket.write(`${head}\r\n\r\n{"input":{"te`);
    // Let the server start reading the body, then cut the connection mid-way.
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await once(socket, 'close');
    // node:http emits 'error' on a request only to listeners; the reader relies on 'close' alone.
    expect((await post('/v1/agents/echo/invoke', { input: { text: 'after' } })).status).toBe(200);
  });

  it('accepts a body of exactly the limit', async () => {
    const body = JSON.stringify({ input: { text: 'y'.repeat(100) } });
    const { post } = await start(Buffer.byteLength(body));
    expect((await post('/v1/agents/echo/invoke', body)).status).toBe(200);
  });

  it('answers a wrong content type with 415 and accepts application/json; charset=utf-8', async () => {
    const { post } = await start();
    const body = { input: { text: 'a' } };
    const text = await post('/v1/agents/echo/invoke', body, { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.json.error.code).toBe('AGENTRY_UNSUPPORTED_MEDIA_TYPE');
    expect((await post('/v1/agents/echo/invoke', body, { 'content-type': 'application/json; charset=latin1' })).status).toBe(415);
    expect((await post('/v1/agents/echo/invoke', body, { 'content-type': 'Application/JSON; Charset="UTF-8"' })).status).toBe(200);
    expect((await post('/v1/agents/echo/invoke', body, { 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
  });

  it('answers a handler that throws with 500 AGENTRY_HANDLER_FAILED and no stack in the body', async () => {
    const { post } = await start();
    const response = await post('/v1/agents/broken/invoke', { input: {} });
    expect(response.status).toBe(500);
    expect(response.json.error.code).toBe('AGENTRY_HANDLER_FAILED');
    expect(Object.keys(response.json.error).sort()).toEqual(['code', 'hint', 'message', 'requestId']);
    expect(response.text).not.toMatch(/\bat .+:\d+:\d+/);
    expect(response.text).not.toContain('stack');
  });
});
