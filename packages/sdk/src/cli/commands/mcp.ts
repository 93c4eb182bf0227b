import { parseArgs } from 'node:util';
import { AgentryError } from '../../contract';
import { serveMcpStdio, listenMcpHttp } from '../../transports/mcp';
import { createModelFromSpec } from '../../providers';
import { createRuntime } from '../../runtime/runtime';
import type { CommandIo } from '../io';
import { loadPacks } from '../load-packs';

export const mcpUsage = `Usage: agentry mcp [--packs ./a.js,./b.js] [--model provider:model] [--http [--port 8788] [--host 127.0.0.1] [--no-auth]]

Serves the task packs as Model Context Protocol tools: over stdio by default (for desktop MCP
clients), or over Streamable HTTP with --http. Over HTTP, AGENTRY_API_KEY is required as a Bearer
token; --no-auth serves without one, on a loopback address only.
`;

/** `agentry mcp`: serves packs over MCP until stdin closes (stdio) or SIGINT/SIGTERM (HTTP). */
export async function runMcpCommand(argv: string[], io: CommandIo, cwd = process.cwd()): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      packs: { type: 'string' },
      model: { type: 'string' },
      http: { type: 'boolean', default: false },
      port: { type: 'string', default: '8788' },
      host: { type: 'string', default: '127.0.0.1' },
      'no-auth': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(mcpUsage);
    return 0;
  }
  if (values['no-auth'] && !values.http) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', '--no-auth applies to --http only', { hint: 'stdio has no authentication: the client that starts the process owns it.' });
  }
  const packs = await loadPacks(values.packs?.split(',').filter(Boolean), cwd);
  const runtime = createRuntime({
    packs,
    model: createModelFromSpec(values.model ?? 'local', { env: io.env }),
  });
  if (!values.http) {
    // stdout belongs to the protocol: nothing else may be written there.
    const handle = await serveMcpStdio({ runtime });
    await new Promise<void>((resolve) => process.stdin.once('close', resolve));
    await handle.close();
    await runtime.drain();
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `--port must be a port number, got ${values.port}`);
  }
  const apiKey = io.env.AGENTRY_API_KEY;
  if (!apiKey && !values['no-auth']) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', 'agentry mcp --http needs AGENTRY_API_KEY: every client must send it as a Bearer token', {
      hint: 'Set AGENTRY_API_KEY, or pass --no-auth to serve without authentication on a loopback address (local development only).',
    });
  }
  const server = await listenMcpHttp({
    runtime,
    port,
    host: values.host,
    auth: apiKey ? { apiKeys: { [apiKey]: { tenant: 'mcp' } } } : { none: true },
  });
  io.stdout.write(`Agentry MCP server (Streamable HTTP) on ${server.url}${apiKey ? ' (Bearer AGENTRY_API_KEY required)' : ''}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  await runtime.drain();
  return 0;
}
