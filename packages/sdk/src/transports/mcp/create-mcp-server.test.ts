import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTaskPack } from '../../core/task-pack';
import { createRuntime } from '../../runtime/runtime';
import { createMcpServer, type McpServerOptions } from './create-mcp-server';
import { latestMcpProtocolVersion, mcpProtocolVersions } from './mcp-protocol-versions';

const echo = defineTaskPack({
  id: 'echo',
  version: '1.0.0',
  description: 'Returns the text it is given.',
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
  handler: (input) => ({ text: input.text }),
});
const oldEcho = defineTaskPack({ ...echo, version: '0.9.0', description: 'Old echo.' } as never);
const shout = defineTaskPack({
  id: 'shout',
  version: '1.0.0',
  description: 'Streams its text in capitals.',
  streaming: true,
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
  capabilities: { minTier: 'pro' },
  async *handler(input) {
    for (const word of input.text.split(' ')) yield { type: 'text-delta' as const, text: word.toUpperCase() };
    return { text: input.text.toUpperCase() };
  },
});
const runtime = createRuntime({ packs: [oldEcho, echo, shout] });

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

async function connect(options: Partial<McpServerOptions> = {}): Promise<Client> {
  const server = createMcpServer({ runtime, ...options });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientSide);
  clients.push(client);
  return client;
}

/** Sends a raw `initialize` asking for `protocolVersion` and returns the version the server answers with. */
async function negotiated(protocolVersion: string): Promise<unknown> {
  const server = createMcpServer({ runtime });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const answer = new Promise<unknown>((resolve) => {
    clientSide.onmessage = (message) => resolve((message as { result?: { protocolVersion?: unknown } }).result?.protocolVersion);
  });
  await clientSide.start();
  await clientSide.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
  const version = await answer;
  await server.close();
  return version;
}

describe('createMcpServer', () => {
  it('lists the newest version of each pack the caller may use, with its JSON Schemas', async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools).toEqual([
      expect.objectContaining({
        name: 'echo',
        description: 'Returns the text it is given.',
        inputSchema: expect.objectContaining({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }),
        outputSchema: expect.objectContaining({ type: 'object', required: ['text'] }),
        _meta: { 'agentry/version': '1.0.0' },
      }),
    ]);
    expect(tools[0]!.inputSchema).not.toHaveProperty('$schema');
  });

  it('answers a call with the output as structured content and as JSON text', async () => {
    const client = await connect();
    const result = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    expect(result).toMatchObject({ structuredContent: { text: 'hi' }, content: [{ type: 'text', text: '{"text":"hi"}' }] });
    expect(result.isError).toBeFalsy();
    expect(result._meta?.['agentry/result']).toMatchObject({ version: '1.0.0', usage: { modelCalls: 0 } });
  });

  it('answers arguments that fail the schema with an error result naming the code, not a crash', async () => {
    const client = await connect();
    const result = await client.callTool({ name: 'echo', arguments: { text: 42 } });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]!.text).toMatch(/^AGENTRY_INVALID_INPUT: invoke echo@1\.0\.0: input does not match/);
    expect(result._meta?.['agentry/error']).toMatchObject({ code: 'AGENTRY_INVALID_INPUT', details: [{ path: 'text' }] });
    // The connection is still good.
    await expect(client.callTool({ name: 'echo', arguments: { text: 'again' } })).resolves.toMatchObject({ structuredContent: { text: 'again' } });
  });

  it('refuses an unknown tool with a protocol error', async () => {
    const client = await connect();
    await expect(client.callTool({ name: 'nope', arguments: {} })).rejects.toThrow(/Unknown tool: nope/);
  });

  it("hides packs above the caller's tier and refuses calls to them with AGENTRY_FORBIDDEN_TOOL", async () => {
    const free = await connect({ caller: { tenant: 'acme', tier: 'free' } });
    expect((await free.listTools()).tools.map((tool) => tool.name)).toEqual(['echo']);
    const refused = await free.callTool({ name: 'shout', arguments: { text: 'a b' } });
    expect(refused).toMatchObject({ isError: true, _meta: { 'agentry/error': { code: 'AGENTRY_FORBIDDEN_TOOL' } } });
    const pro = await connect({ caller: { tenant: 'acme', tier: 'pro' } });
    expect((await pro.listTools()).tools.map((tool) => tool.name)).toEqual(['echo', 'shout']);
  });

  it('sends streamed text as progress notifications when the client asks for progress', async () => {
    const client = await connect({ caller: { tenant: 'acme', tier: 'enterprise' } });
    const progress: string[] = [];
    const result = await client.callTool({ name: 'shout', arguments: { text: 'make it loud' } }, undefined, {
      onprogress: (notification) => progress.push(notification.message ?? ''),
    });
    expect(progress).toEqual(['MAKE', 'IT', 'LOUD']);
    expect(result.structuredContent).toEqual({ text: 'MAKE IT LOUD' });
  });

  it('negotiates protocol versions from mcpProtocolVersions, all of which the MCP SDK supports', async () => {
    expect(SUPPORTED_PROTOCOL_VERSIONS).toEqual(expect.arrayContaining([...mcpProtocolVersions]));
    expect(latestMcpProtocolVersion).toBe(LATEST_PROTOCOL_VERSION);
    expect(await negotiated('2025-03-26')).toBe('2025-03-26');
    expect(await negotiated('2024-11-05')).toBe('2024-11-05');
    // The SDK still speaks 2024-10-07; the bridge does not advertise it, so it offers its latest.
    expect(await negotiated('2024-10-07')).toBe(latestMcpProtocolVersion);
    expect(await negotiated('1999-01-01')).toBe(latestMcpProtocolVersion);
    expect((await connect()).getServerVersion()).toMatchObject({ name: 'agentry', version: '0.1.0' });
  });
});
