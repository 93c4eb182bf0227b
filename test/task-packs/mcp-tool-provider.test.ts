import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRuntime, defineTaskPack, type TaskPackContext } from '../../packages/sdk/src';
import { taskPackHost } from '../../packages/sdk/src/core/task-pack-host';
import type { TaskPackTelemetryRecord } from '../../packages/sdk/src/core/task-pack-telemetry';
import { createMcpToolProvider } from '../../packages/sdk/src/transports/mcp';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const tinyServer = fileURLToPath(new URL('./fixtures/tiny-mcp-server.ts', import.meta.url));

// The pack declares tools taken from the MCP server the host connects under the name "tiny".
const calculator = defineTaskPack({
  id: 'calculator',
  version: '1.0.0',
  description: 'Calls tools of an external MCP server.',
  input: z.object({ tool: z.enum(['add', 'shout', 'slow', 'die', 'missing']) }),
  output: z.object({ result: z.unknown() }),
  capabilities: {
    tools: [
      { name: 'add', input: z.object({ a: z.number(), b: z.number() }), mcp: { server: 'tiny' } },
      { name: 'shout', input: z.object({ text: z.string() }), mcp: { server: 'tiny' } },
      { name: 'slow', mcp: { server: 'tiny' } },
      { name: 'die', mcp: { server: 'tiny' } },
      { name: 'missing', mcp: { server: 'tiny', tool: 'not-there' } },
    ],
  },
  handler: async (input, context: TaskPackContext) => {
    const args = input.tool === 'add' ? { a: 2, b: 3 } : input.tool === 'shout' ? { text: 'hi' } : {};
    return { result: await context.tools.call(input.tool, args) };
  },
});

const tools = createMcpToolProvider({ servers: { tiny: { command: 'npx', args: ['tsx', tinyServer], cwd: repoRoot } }, timeoutMs: 500 });
const records: TaskPackTelemetryRecord[] = [];
const runtime = createRuntime({ packs: [calculator], middleware: [taskPackHost({ tools, telemetry: (record) => records.push(record) })] });
const call = (tool: string) => runtime.invoke({ agent: 'calculator', input: { tool }, tenant: 'acme' });
afterAll(() => tools.close());

describe('tools a pack declares from an external MCP server (stdio)', { timeout: 30_000 }, () => {
  it('connects, lists the server’s tools and calls one, with structured or text results', async () => {
    expect((await tools.listTools('tiny')).map((tool) => tool.name)).toEqual(['add', 'shout', 'slow', 'die']);
    expect((await call('add')).output).toEqual({ result: { sum: 5 } });
    expect((await call('shout')).output).toMatchObject({ result: { text: 'HI' } });
    expect(records.filter((record) => record.type === 'tool-call')).toMatchObject([
      { name: 'add', ok: true, tenant: 'acme' },
      { name: 'shout', ok: true },
    ]);
  });

  it('refuses a tool the server does not list', async () => {
    await expect(call('missing')).rejects.toMatchObject({ code: 'AGENTRY_UPSTREAM_ERROR', retryable: false, message: expect.stringContaining('lists no such tool') });
  });

  it('times out a call the server never answers', async () => {
    await expect(call('slow')).rejects.toMatchObject({ code: 'AGENTRY_TIMEOUT', message: expect.stringContaining('did not answer within 500 ms') });
  });

  it('turns a server that dies mid-call into a retryable coded error, and reconnects on the next call', async () => {
    await expect(call('die')).rejects.toMatchObject({ code: 'AGENTRY_UPSTREAM_ERROR', retryable: true, message: expect.stringContaining('closed the connection mid-call') });
    expect((await call('add')).output).toEqual({ result: { sum: 5 } });
  });
});
