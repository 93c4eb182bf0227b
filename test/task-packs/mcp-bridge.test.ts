import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../packages/sdk/src';
import { listenMcpHttp, type McpHttpServerHandle } from '../../packages/sdk/src/transports/mcp';
import { echoPack } from '../../packages/task-packs/src/packs/echo';
import { summarizePack } from '../../packages/task-packs/src/packs/summarize';
import { createKnowledgeSearchPack } from '../../packages/task-packs/src/packs/knowledge-search';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const stdioServer = fileURLToPath(new URL('./fixtures/mcp-stdio-server.ts', import.meta.url));
const corpus = fileURLToPath(new URL('../../packages/task-packs/src/packs/knowledge-search/fixtures/corpus', import.meta.url));
const text = 'Agentry hosts task packs. Every call is metered. Budgets stop runaway costs before they happen.';

/** What every MCP client of the bridge must see, whatever the transport. */
async function expectPacksServed(client: Client): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((tool) => tool.name).sort()).toEqual(['echo', 'knowledge-search', 'summarize']);
  expect(tools.find((tool) => tool.name === 'summarize')).toMatchObject({
    description: summarizePack.description,
    inputSchema: { type: 'object', required: ['text'] },
    outputSchema: { type: 'object', required: ['summary'] },
  });
  expect(await client.callTool({ name: 'echo', arguments: { text: 'hello over MCP' } })).toMatchObject({
    structuredContent: { text: 'hello over MCP' },
    content: [{ type: 'text', text: '{"text":"hello over MCP"}' }],
  });
  const summary = await client.callTool({ name: 'summarize', arguments: { text } });
  expect(summary.isError).toBeFalsy();
  expect((summary.structuredContent as { summary: string }).summary).toMatch(/^Agentry hosts task packs\./);
  const search = await client.callTool({ name: 'knowledge-search', arguments: { query: 'How do I rotate an API key without downtime?' } });
  expect(search.isError).toBeFalsy();
  const passages = (search.structuredContent as { passages: Array<{ file: string; heading: string; lines: [number, number] }> }).passages;
  expect(passages[0]).toMatchObject({ file: 'authentication.md', heading: expect.stringContaining('Rotate an API key') });
  const refused = await client.callTool({ name: 'summarize', arguments: { text: '' } });
  expect(refused).toMatchObject({ isError: true, _meta: { 'agentry/error': { code: 'AGENTRY_INVALID_INPUT' } } });
}

describe('the MCP bridge serving the built-in packs to the official MCP SDK client', () => {
  it('over stdio (a subprocess started with npx tsx)', { timeout: 30_000 }, async () => {
    const client = new Client({ name: 'stdio-e2e', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: 'npx', args: ['tsx', stdioServer], cwd: repoRoot, stderr: 'pipe' }));
    try {
      await expectPacksServed(client);
    } finally {
      await client.close();
    }
  });

  describe('over Streamable HTTP', () => {
    let server: McpHttpServerHandle;
    beforeAll(async () => {
      server = await listenMcpHttp({
        runtime: createRuntime({ packs: [echoPack, summarizePack, createKnowledgeSearchPack({ root: corpus })] }),
        port: 0,
        auth: { apiKeys: { 'test-key': { tenant: 'http-client', tier: 'free' } } },
      });
    });
    afterAll(() => server.close());

    it('with a bearer API key', async () => {
      const client = new Client({ name: 'http-e2e', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { authorization: 'Bearer test-key' } } }));
      try {
        await expectPacksServed(client);
      } finally {
        await client.close();
      }
    });
  });
});
