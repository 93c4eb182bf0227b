import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { AgentryError, isAgentryError } from '../../contract';
import type { TaskPackTool, TaskPackToolContext } from '../../core/task-pack-capabilities';
import type { TaskPackToolProvider } from '../../core/task-pack-host';
import { sdkVersion } from '../../core/task-pack-sdk-version';

/** How to reach an external MCP server: a command started over stdio, or a Streamable HTTP URL. */
export type McpServerConnection =
  | { command: string; args?: string[]; env?: Record<string, string>; cwd?: string }
  | { url: string; headers?: Record<string, string> };

/** Options of {@link createMcpToolProvider}. */
export interface McpToolProviderOptions {
  /** The servers packs may take tools from, by the name their `mcp.server` uses. */
  servers: Readonly<Record<string, McpServerConnection>>;
  /** Deadline of one tool call in ms. @default 30000 */
  timeoutMs?: number;
  /** Deadline for starting a server and listing its tools, in ms. @default 30000 */
  connectTimeoutMs?: number;
}

/** A tool provider backed by MCP servers; close it when the host stops. */
export interface McpToolProvider extends TaskPackToolProvider {
  /** Connects to `server` if needed and lists its tools. */
  listTools(server: string): Promise<Tool[]>;
  /** Closes every connection (stdio servers are stopped). */
  close(): Promise<void>;
}

interface Connection {
  client: Client;
  tools: Promise<Tool[]>;
}

/**
 * Lends packs the tools they declare with `mcp: { server, tool }`, taken from external MCP
 * servers: it connects on first use (starting stdio servers), lists their tools, and calls them
 * with the invocation's signal and a timeout. Give it to the runtime with
 * `taskPackHost({ tools: provider })`; calls are recorded as `tool-call` telemetry like any other
 * tool, and a host that applies tier rules wraps it (see docs/mcp.md). A server that dies
 * mid-call gives a retryable AGENTRY_UPSTREAM_ERROR, and the next call reconnects.
 *
 * @example
 * const tools = createMcpToolProvider({ servers: { files: { command: 'npx', args: ['@modelcontextprotocol/server-filesystem', '/data'] } } });
 * const runtime = createRuntime({ packs, middleware: [taskPackHost({ tools })] });
 */
export function createMcpToolProvider(options: McpToolProviderOptions): McpToolProvider {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
  const connections = new Map<string, Promise<Connection>>();

  function connect(name: string): Promise<Connection> {
    let connection = connections.get(name);
    if (connection === undefined) {
      connection = open(name);
      connections.set(name, connection);
      // A failed connect is forgotten, so the next call tries again.
      connection.catch(() => connections.delete(name));
    }
    return connection;
  }

  async function open(name: string): Promise<Connection> {
    const target = options.servers[name];
    if (target === undefined) throw new AgentryError('AGENTRY_INVALID_OPTIONS', `no MCP server named "${name}" is configured`);
    const client = new Client({ name: 'agentry', version: sdkVersion });
    const transport =
      'command' in target
        ? new StdioClientTransport({
            command: target.command,
            ...(target.args === undefined ? {} : { args: target.args }),
            env: { ...getDefaultEnvironment(), ...target.env },
            ...(target.cwd === undefined ? {} : { cwd: target.cwd }),
            stderr: 'pipe',
          })
        : new StreamableHTTPClientTransport(new URL(target.url), { requestInit: { headers: target.headers ?? {} } });
    client.onclose = () => connections.delete(name);
    try {
      await client.connect(transport, { timeout: connectTimeoutMs });
    } catch (error) {
      throw new AgentryError('AGENTRY_UPSTREAM_ERROR', `could not connect to MCP server "${name}": ${(error as Error).message}`, { cause: error });
    }
    const tools = client.listTools(undefined, { timeout: connectTimeoutMs }).then((listed) => listed.tools);
    tools.catch(() => {});
    return { client, tools };
  }

  async function call(tool: TaskPackTool, args: unknown, context: TaskPackToolContext): Promise<unknown> {
    const { server, tool: remote } = tool.mcp!;
    const label = `MCP tool ${server}/${remote}`;
    try {
      const connection = await connect(server);
      const listed = await connection.tools;
      if (!listed.some((candidate) => candidate.name === remote)) {
        throw new AgentryError('AGENTRY_UPSTREAM_ERROR', `${label}: the server lists no such tool (it has ${listed.map((entry) => entry.name).join(', ') || 'none'})`, {
          retryable: false,
          hint: `Check the tool name in the pack's capabilities.tools mcp.tool, or the server "${server}" the host connects to.`,
        });
      }
      const result = await connection.client.callTool({ name: remote, arguments: args as Record<string, unknown> }, undefined, {
        signal: context.signal,
        timeout: timeoutMs,
      });
      const text = (result.content as { type: string; text?: string }[] | undefined)
        ?.filter((block) => block.type === 'text')
        .map((block) => block.text)
        .join('\n');
      if (result.isError) {
        throw new AgentryError('AGENTRY_UPSTREAM_ERROR', `${label} answered with an error: ${text ?? 'no message'}`, { retryable: false });
      }
      return result.structuredContent ?? { text: text ?? '', content: result.content };
    } catch (error) {
      throw toolError(error, label, context.signal, timeoutMs);
    }
  }

  return {
    provides: (tool) => tool.mcp !== undefined && Object.hasOwn(options.servers, tool.mcp.server),
    call,
    async listTools(server) {
      return (await connect(server)).tools;
    },
    async close() {
      const open = [...connections.values()];
      connections.clear();
      await Promise.allSettled(open.map(async (connection) => (await connection).client.close()));
    },
  };
}

function toolError(error: unknown, label: string, signal: AbortSignal, timeoutMs: number): AgentryError {
  if (isAgentryError(error)) return error;
  if (signal.aborted) return new AgentryError('AGENTRY_CANCELLED', `${label} cancelled`, { cause: error });
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
    return new AgentryError('AGENTRY_TIMEOUT', `${label} did not answer within ${timeoutMs} ms`, { cause: error });
  }
  if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
    return new AgentryError('AGENTRY_UPSTREAM_ERROR', `${label} failed: the server closed the connection mid-call`, {
      cause: error,
      retryable: true,
      hint: 'Retry: the next call starts a new connection. Check the MCP server\'s log if it keeps failing.',
    });
  }
  return new AgentryError('AGENTRY_UPSTREAM_ERROR', `${label} failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}
