import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { AgentryError, toAgentryError } from '../../contract';
import type { McpCaller } from './mcp-caller';
import { mcpProtocolVersions } from './mcp-protocol-versions';
import { isLoopbackAddress, loopbackHosts, refuseForeignRequest } from './mcp-request-guard';
import { createMcpServer, type McpServerOptions } from './create-mcp-server';

/** How HTTP callers prove who they are. */
export type McpHttpAuth =
  /** API keys (sent as `Authorization: Bearer <key>` or `X-API-Key: <key>`) and the caller each stands for. */
  | { apiKeys: Readonly<Record<string, McpCaller>> }
  /** Your own check of the bearer token (JWT, introspection...); undefined refuses the request. */
  | { authenticate(token: string | undefined, request: IncomingMessage): McpCaller | undefined | Promise<McpCaller | undefined> }
  /** No authentication: served only to loopback peers, for local clients. Every call runs as `caller`. */
  | { none: true; caller?: McpCaller };

/** Options of {@link createMcpHttpHandler}. */
export interface McpHttpHandlerOptions extends Omit<McpServerOptions, 'caller'> {
  auth: McpHttpAuth;
  /** `Host` header names accepted (any port), against DNS rebinding. @default ['localhost', '127.0.0.1', '[::1]'] */
  allowedHosts?: readonly string[];
  /** `Origin` values accepted when a browser sends one; an entry without a port allows any port. @default loopback origins over http and https */
  allowedOrigins?: readonly string[];
  /** Path of the MCP endpoint. @default '/mcp' */
  path?: string;
  /** Largest request body in bytes. @default 4194304 */
  maxBodyBytes?: number;
}

/** A Node `http` request listener. */
export type McpHttpHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

const defaultOrigins = loopbackHosts.flatMap((host) => [`http://${host}`, `https://${host}`]);

/**
 * Serves a runtime's packs as MCP tools over Streamable HTTP (stateless: each POST carries one
 * JSON-RPC message and is answered by a fresh server bound to the authenticated caller, so tier
 * rules and tenancy hold per request). Checks, in order: path, `Host`/`Origin` (DNS rebinding),
 * authentication, `MCP-Protocol-Version`. GET and DELETE answer 405: there are no sessions.
 *
 * @example
 * const handler = createMcpHttpHandler({ runtime, auth: { apiKeys: { [process.env.MCP_KEY!]: { tenant: 'acme', tier: 'pro' } } } });
 * http.createServer(handler).listen(8788, '127.0.0.1');
 */
export function createMcpHttpHandler(options: McpHttpHandlerOptions): McpHttpHandler {
  const path = options.path ?? '/mcp';
  const allowedHosts = options.allowedHosts ?? loopbackHosts;
  const allowedOrigins = options.allowedOrigins ?? defaultOrigins;
  const { auth } = options;
  const keys = 'apiKeys' in auth ? Object.entries(auth.apiKeys).map(([key, caller]) => ({ key: Buffer.from(key), caller })) : [];

  async function authenticate(request: IncomingMessage): Promise<McpCaller | undefined> {
    if ('none' in auth) return auth.caller ?? { tenant: 'local' };
    const token = bearerToken(request);
    if ('authenticate' in auth) return auth.authenticate(token, request);
    if (token === undefined) return undefined;
    const given = Buffer.from(token);
    // Compares every key in constant time, so timing tells nothing about which prefix matched.
    let found: McpCaller | undefined;
    for (const { key, caller } of keys) if (key.length === given.length && timingSafeEqual(key, given)) found = caller;
    return found;
  }

  return async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname !== path) return reply(response, 404, -32601, `no MCP endpoint at ${url.pathname}; use ${path}`);
      if ('none' in auth && !isLoopbackAddress(request.socket.remoteAddress)) {
        return reply(response, 403, -32001, 'this MCP server runs without authentication and answers loopback clients only');
      }
      const foreign = refuseForeignRequest(request, allowedHosts, allowedOrigins);
      if (foreign !== undefined) return reply(response, 403, -32001, `${foreign}; configure allowedHosts/allowedOrigins to serve it`);
      const caller = await authenticate(request);
      if (caller === undefined) {
        response.setHeader('www-authenticate', 'Bearer realm="agentry-mcp"');
        return reply(response, 401, -32001, 'missing or unknown API key: send Authorization: Bearer <key>', 'AGENTRY_UNAUTHORIZED');
      }
      const version = request.headers['mcp-protocol-version'];
      if (typeof version === 'string' && !(mcpProtocolVersions as readonly string[]).includes(version)) {
        return reply(response, 400, -32600, `unsupported MCP-Protocol-Version ${version} (supported: ${mcpProtocolVersions.join(', ')})`);
      }
      if (request.method !== 'POST') {
        response.setHeader('allow', 'POST');
        return reply(response, 405, -32000, 'this MCP server is stateless: send each JSON-RPC message as a POST');
      }
      const body = await readBody(request, options.maxBodyBytes ?? 4 * 1024 * 1024);
      const server = createMcpServer({ ...options, caller });
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      response.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(request, response, body);
    } catch (error) {
      const failure = toAgentryError(error);
      if (!response.headersSent) reply(response, failure.status, failure.code === 'AGENTRY_INVALID_JSON' ? -32700 : -32603, failure.message, failure.code);
      else response.end();
    }
  };
}

function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && /^bearer\s+/i.test(header)) return header.replace(/^bearer\s+/i, '').trim() || undefined;
  const key = request.headers['x-api-key'];
  return typeof key === 'string' && key !== '' ? key : undefined;
}

async function readBody(request: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new AgentryError('AGENTRY_PAYLOAD_TOO_LARGE', `MCP request body exceeds ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new AgentryError('AGENTRY_INVALID_JSON', 'MCP request body is not valid JSON', { cause: error });
  }
}

function reply(response: ServerResponse, status: number, rpcCode: number, message: string, code?: string): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ jsonrpc: '2.0', error: { code: rpcCode, message, ...(code === undefined ? {} : { data: { code } }) }, id: null }));
}
