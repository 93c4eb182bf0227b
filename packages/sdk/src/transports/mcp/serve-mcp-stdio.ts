import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpServer, type McpServerOptions } from './create-mcp-server';

/** Options of {@link serveMcpStdio}. */
export interface ServeMcpStdioOptions extends McpServerOptions {
  /** Where requests come from. @default process.stdin */
  stdin?: Readable;
  /** Where responses go; nothing else may write there. @default process.stdout */
  stdout?: Writable;
}

/** A running MCP server. */
export interface McpServerHandle {
  /** Stops serving and closes the transport. */
  close(): Promise<void>;
  /** Resolves when the client disconnects (stdin ends) or {@link close} is called. */
  readonly closed: Promise<void>;
}

/**
 * Serves a runtime's packs as MCP tools over stdio, for desktop clients that start the server as
 * a subprocess (`agentry mcp`). Log to stderr only: stdout carries the protocol.
 *
 * @example
 * await serveMcpStdio({ runtime: createRuntime({ packs: builtinPacks }), caller: { tenant: 'local' } });
 */
export async function serveMcpStdio(options: ServeMcpStdioOptions): Promise<McpServerHandle> {
  const server = createMcpServer(options);
  const transport = new StdioServerTransport(options.stdin, options.stdout);
  let onClosed!: () => void;
  const closed = new Promise<void>((resolve) => (onClosed = resolve));
  server.onclose = onClosed;
  (options.stdin ?? process.stdin).once('end', () => void server.close());
  await server.connect(transport);
  return { close: () => server.close(), closed };
}
