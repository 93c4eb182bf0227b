// A pack's MCP tools against a third-party reference server, not one of ours: the official
// filesystem server (@modelcontextprotocol/server-filesystem), over stdio, confined to a temp dir.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRuntime, defineTaskPack, governanceMiddleware, type Runtime } from '../../packages/sdk/src';
import { taskPackHost } from '../../packages/sdk/src/core/task-pack-host';
import { createMcpToolProvider, type McpToolProvider } from '../../packages/sdk/src/transports/mcp';

const filesystemServer = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-filesystem/dist/index.js');

const notes = defineTaskPack({
  id: 'notes',
  version: '1.0.0',
  description: 'Reads and writes notes through the filesystem MCP server.',
  input: z.object({ action: z.enum({ read: 'read', write: 'write' }), path: z.string(), text: z.string().optional() }),
  output: z.object({ result: z.unknown() }),
  capabilities: {
    tools: [
      { name: 'read_text_file', input: z.object({ path: z.string() }), mcp: { server: 'fs' } },
      { name: 'write_file', input: z.object({ path: z.string(), content: z.string() }), mcp: { server: 'fs' } },
    ],
  },
  handler: async (input, context) =>
    input.action === 'read'
      ? { result: await context.tools.call('read_text_file', { path: input.path }) }
      : { result: await context.tools.call('write_file', { path: input.path, content: input.text ?? '' }) },
});

let directory: string;
let tools: McpToolProvider;
let runtime: Runtime;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'agentry-mcp-fs-'));
  await writeFile(join(directory, 'hello.md'), '# Hello\nfrom a file\n');
  tools = createMcpToolProvider({ servers: { fs: { command: process.execPath, args: [filesystemServer, directory] } }, timeoutMs: 10_000 });
  runtime = createRuntime({
    packs: [notes],
    middleware: [
      // Readers may read; only writers may write.
      governanceMiddleware({ tiers: { reader: { tools: ['read_*'] }, writer: {} }, tenantTier: (tenant) => (tenant === 'acme' ? 'writer' : 'reader') }),
      taskPackHost({ tools }),
    ],
  });
});
afterAll(async () => {
  await tools?.close();
  await rm(directory, { recursive: true, force: true });
});

describe('tools from a third-party MCP server (server-filesystem over stdio)', { timeout: 30_000 }, () => {
  it('lists the server’s tools and calls them from a pack', async () => {
    expect((await tools.listTools('fs')).map((tool) => tool.name)).toEqual(expect.arrayContaining(['read_text_file', 'write_file', 'list_directory']));
    const read = await runtime.invoke({ agent: 'notes', input: { action: 'read', path: join(directory, 'hello.md') }, tenant: 'acme' });
    expect(JSON.stringify(read.output)).toContain('from a file');
    await runtime.invoke({ agent: 'notes', input: { action: 'write', path: join(directory, 'new.md'), text: 'written over MCP' }, tenant: 'acme' });
    const back = await runtime.invoke({ agent: 'notes', input: { action: 'read', path: join(directory, 'new.md') }, tenant: 'acme' });
    expect(JSON.stringify(back.output)).toContain('written over MCP');
  });

  it('turns the server’s own refusal (a path outside its root) into a coded error', async () => {
    await expect(runtime.invoke({ agent: 'notes', input: { action: 'read', path: '/etc/hostname' }, tenant: 'acme' })).rejects.toMatchObject({
      code: expect.stringMatching(/^AGENTRY_/),
    });
  });

  it('keeps a tier’s tool list on MCP tools: a reader cannot write, and the server is never asked', async () => {
    await expect(
      runtime.invoke({ agent: 'notes', input: { action: 'write', path: join(directory, 'evil.md'), text: 'x' }, tenant: 'guest' }),
    ).rejects.toMatchObject({ code: 'AGENTRY_FORBIDDEN_TOOL' });
    await expect(runtime.invoke({ agent: 'notes', input: { action: 'read', path: join(directory, 'evil.md') }, tenant: 'acme' })).rejects.toMatchObject({
      code: expect.stringMatching(/^AGENTRY_/),
    });
  });
});
