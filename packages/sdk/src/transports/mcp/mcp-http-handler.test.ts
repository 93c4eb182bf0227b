import { request as httpRequest } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTaskPack } from '../../core/task-pack';
import { createRuntime } from '../../runtime/runtime';
import { listenMcpHttp, type McpHttpServerHandle } from './listen-mcp-http';

const echo = defineTaskPack({
  id: 'echo',
  version: '1.0.0',
  description: 'Returns the text it is given.',
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
  handler: (input) => ({ text: input.text }),
});
const audit = defineTaskPack({
  id: 'audit',
  version: '1.0.0',
  description: 'Enterprise only.',
  input: z.object({}),
  output: z.object({ tenant: z.string() }),
  capabilities: { minTier: 'enterprise' },
  handler: (_input, context) => ({ tenant: context.tenant }),
});
const runtime = createRuntime({ packs: [echo, audit] });

let server: McpHttpServerHandle;
beforeAll(async () => {
  server = await listenMcpHttp({
    runtime,
    port: 0,
    auth: { apiKeys: { 'key-free': { tenant: 'acme', tier: 'free' }, 'key-enterprise': { tenant: 'globex', tier: 'enterprise' } } },
  });
});
afterAll(() => server.close());

async function client(headers: Record<string, string>): Promise<Client> {
  const connected = new Client({ name: 'http-test', version: '1.0.0' });
  await connected.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers } }));
  return connected;
}

/** A raw POST, to send headers an MCP client would not. */
function post(headers: Record<string, string>, body: unknown = { jsonrpc: '2.0', id: 1, method: 'tools/list' }): Promise<{ status: number; body: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('createMcpHttpHandler over Streamable HTTP', () => {
  it('serves the official MCP client with a bearer API key: lists tools by tier and calls echo', async () => {
    const connected = await client({ authorization: 'Bearer key-free' });
    expect((await connected.listTools()).tools.map((tool) => tool.name)).toEqual(['echo']);
    expect(await connected.callTool({ name: 'echo', arguments: { text: 'over http' } })).toMatchObject({ structuredContent: { text: 'over http' } });
    await connected.close();
  });

  it('accepts the key as X-API-Key and runs calls as the key’s tenant', async () => {
    const connected = await client({ 'x-api-key': 'key-enterprise' });
    expect((await connected.listTools()).tools.map((tool) => tool.name)).toEqual(['echo', 'audit']);
    expect((await connected.callTool({ name: 'audit', arguments: {} })).structuredContent).toEqual({ tenant: 'globex' });
    await connected.close();
  });

  it('refuses a missing or unknown key with 401 and a Bearer challenge', async () => {
    expect(await post({})).toMatchObject({ status: 401, body: expect.stringContaining('AGENTRY_UNAUTHORIZED') });
    expect(await post({ authorization: 'Bearer wrong' })).toMatchObject({ status: 401 });
    await expect(client({ authorization: 'Bearer wrong' })).rejects.toThrow();
  });

  it('refuses a foreign Host or Origin (DNS rebinding) before authentication', async () => {
    expect(await post({ host: 'attacker.example:80' })).toMatchObject({ status: 403, body: expect.stringContaining('attacker.example:80') });
    expect(await post({ authorization: 'Bearer key-free', origin: 'https://attacker.example' })).toMatchObject({ status: 403, body: expect.stringContaining('Origin') });
    expect(await post({ authorization: 'Bearer key-free', origin: 'http://localhost:5173' })).not.toMatchObject({ status: 403 });
  });

  it('refuses a protocol version it does not advertise', async () => {
    expect(await post({ authorization: 'Bearer key-free', 'mcp-protocol-version': '2024-10-07' })).toMatchObject({ status: 400, body: expect.stringContaining('unsupported MCP-Protocol-Version') });
  });

  it('answers GET with 405: the server is stateless', async () => {
    const url = new URL(server.url);
    const status = await new Promise<number>((resolve) =>
      httpRequest({ host: url.hostname, port: url.port, path: url.pathname, headers: { authorization: 'Bearer key-free' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).end(),
    );
    expect(status).toBe(405);
  });
});

describe('listenMcpHttp without authentication', () => {
  it('serves loopback clients when bound to loopback', async () => {
    const open = await listenMcpHttp({ runtime, port: 0, auth: { none: true, caller: { tenant: 'local', tier: 'enterprise' } } });
    try {
      const connected = new Client({ name: 'local', version: '1.0.0' });
      await connected.connect(new StreamableHTTPClientTransport(new URL(open.url)));
      expect((await connected.callTool({ name: 'audit', arguments: {} })).structuredContent).toEqual({ tenant: 'local' });
      await connected.close();
    } finally {
      await open.close();
    }
  });

  it('refuses to bind to a non-loopback interface', async () => {
    await expect(listenMcpHttp({ runtime, port: 0, host: '0.0.0.0', auth: { none: true } })).rejects.toMatchObject({
      code: 'AGENTRY_INVALID_OPTIONS',
      message: expect.stringContaining('may bind only to loopback, not 0.0.0.0'),
    });
  });
});
