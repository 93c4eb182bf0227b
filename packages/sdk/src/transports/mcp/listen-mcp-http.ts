import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentryError } from '../../contract';
import { createMcpHttpHandler, type McpHttpHandlerOptions } from './mcp-http-handler';
import { isLoopbackAddress } from './mcp-request-guard';

/** Options of {@link listenMcpHttp}. */
export interface ListenMcpHttpOptions extends McpHttpHandlerOptions {
  /** Port to listen on; 0 picks a free one. @default 8788 */
  port?: number;
  /** Interface to bind. @default '127.0.0.1' */
  host?: string;
}

/** A listening MCP HTTP server. */
export interface McpHttpServerHandle {
  /** The endpoint, e.g. `http://127.0.0.1:8788/mcp`. */
  url: string;
  /** Stops accepting connections and closes open ones. */
  close(): Promise<void>;
}

/**
 * Listens for MCP over Streamable HTTP (`agentry mcp --http --port N`). Running without
 * authentication is allowed only on a loopback interface, so a `--no-auth` server is never
 * reachable from another machine.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` for `auth: { none: true }` on a non-loopback host.
 * @example
 * const { url } = await listenMcpHttp({ runtime, auth: { none: true }, port: 8788 });
 */
export async function listenMcpHttp(options: ListenMcpHttpOptions): Promise<McpHttpServerHandle> {
  const host = options.host ?? '127.0.0.1';
  if ('none' in options.auth && !isLoopbackAddress(host)) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `MCP over HTTP without authentication may bind only to loopback, not ${host}`, {
      hint: 'Bind to 127.0.0.1 (the default), or configure API keys or an authenticate function.',
    });
  }
  const server = createServer(createMcpHttpHandler(options));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8788, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}${options.path ?? '/mcp'}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
