import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  InitializeRequestSchema,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
  type InitializeRequest,
  type InitializeResult,
} from '@modelcontextprotocol/sdk/types.js';
import { toAgentryError, type AgentManifest, type StreamEvent } from '../../contract';
import { sdkVersion } from '../../core/task-pack-sdk-version';
import { defaultMcpTiers, tierAllows, type McpCaller } from './mcp-caller';
import { negotiateMcpProtocolVersion } from './mcp-protocol-versions';
import { packTools, type PackTool } from './pack-tools';
import type { Runtime } from '../../runtime/runtime';

/** The part of a Runtime the bridge uses: its manifests and its pipeline (metering, governance, cache, evals). */
export type McpRuntime = Pick<Runtime, 'agents' | 'stream'>;

/** Options of {@link createMcpServer}. */
export interface McpServerOptions {
  /** The runtime whose packs become tools; every call runs through its pipeline. */
  runtime: McpRuntime;
  /** Who calls. @default { tenant: 'mcp' } (no tier: only packs without `minTier`) */
  caller?: McpCaller;
  /** Tier names, lowest first, for `capabilities.minTier`. @default ['free', 'pro', 'enterprise'] */
  tiers?: readonly string[];
  /** Ids of the packs to expose. @default every hosted pack */
  agents?: readonly string[];
  /** Name in `initialize`. @default 'agentry' */
  name?: string;
  /** Version in `initialize`. @default the SDK version */
  version?: string;
}

const defaultCaller: McpCaller = { tenant: 'mcp' };

/**
 * An MCP server (the official SDK's low-level `Server`) that serves a runtime's packs as tools:
 * `tools/list` gives each pack's id, description and JSON Schemas; `tools/call` invokes the pack
 * through the runtime, so metering, governance, cache and evals apply, and answers with the
 * output as structured content plus its JSON as text. Streamed text is sent as progress
 * notifications when the client asks for progress. A call that fails (bad arguments included)
 * is an error result carrying the Agentry code, never a crash; an unknown tool is a protocol error.
 * Connect it to a transport, or use {@link serveMcpStdio} / {@link createMcpHttpHandler}.
 *
 * @example
 * const server = createMcpServer({ runtime: createRuntime({ packs: builtinPacks }) });
 * await server.connect(new StdioServerTransport());
 */
export function createMcpServer(options: McpServerOptions): Server {
  const caller = options.caller ?? defaultCaller;
  const tiers = options.tiers ?? defaultMcpTiers;
  const server = new Server(
    { name: options.name ?? 'agentry', version: options.version ?? sdkVersion },
    { capabilities: { tools: { listChanged: false } }, instructions: 'Each tool is an Agentry task pack; results carry its output as structured content.' },
  );
  overrideProtocolVersions(server);

  const tools = (): PackTool[] => packTools(options.runtime.agents(), caller, tiers, options.agents);

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: tools().map((entry) => entry.tool) }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const known = packTools(options.runtime.agents(), { ...caller, tier: tiers.at(-1) }, tiers, options.agents);
    const entry = known.find((candidate) => candidate.tool.name === request.params.name);
    if (entry === undefined) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
    if (!tierAllows(caller, entry.minTier, tiers)) {
      return errorResult(
        'AGENTRY_FORBIDDEN_TOOL',
        `tool ${entry.tool.name} needs tier ${entry.minTier}; tenant ${caller.tenant} has ${caller.tier ?? 'no tier'}`,
        'Use a tool your tier allows, or ask the operator to raise the tier.',
      );
    }
    const progressToken = request.params._meta?.progressToken;
    let progress = 0;
    try {
      for await (const event of options.runtime.stream({
        agent: entry.agent,
        version: entry.version,
        input: request.params.arguments ?? {},
        tenant: caller.tenant,
        ...(caller.subject === undefined ? {} : { subject: caller.subject }),
        metadata: { transport: 'mcp' },
        signal: extra.signal,
      })) {
        if (event.type === 'text-delta' && progressToken !== undefined) {
          await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: ++progress, message: event.text } });
        }
        if (event.type === 'result') {
          const output = event.result.output as Record<string, unknown>;
          return {
            content: [{ type: 'text', text: JSON.stringify(output) }],
            structuredContent: output,
            _meta: { 'agentry/result': { id: event.result.id, version: event.result.version, usage: event.result.usage, requestId: event.result.requestId } },
          };
        }
      }
      return errorResult('AGENTRY_INTERNAL', `tool ${entry.tool.name}: the pipeline ended without a result`, 'Report it with the request id; it is a bug.');
    } catch (error) {
      const failure = toAgentryError(error, 'AGENTRY_INTERNAL', `tool ${entry.tool.name}`);
      return errorResult(failure.code, failure.message, failure.hint, failure.details, failure.requestId);
    }
  });
  return server;
}

function errorResult(code: string, message: string, hint: string, details?: unknown, requestId?: string): CallToolResult {
  const detailText = details === undefined ? '' : `\n${JSON.stringify(details)}`;
  return {
    isError: true,
    content: [{ type: 'text', text: `${code}: ${message}\n${hint}${detailText}` }],
    _meta: { 'agentry/error': { code, message, hint, ...(details === undefined ? {} : { details }), ...(requestId === undefined ? {} : { requestId }) } },
  };
}

/**
 * Answers `initialize` with a version from mcpProtocolVersions. The SDK negotiates from its own
 * list; its handler still records the client's capabilities, so we call it and fix the version.
 */
function overrideProtocolVersions(server: Server): void {
  const sdkInitialize = (server as unknown as { _oninitialize(request: InitializeRequest): Promise<InitializeResult> })._oninitialize.bind(server);
  server.setRequestHandler(InitializeRequestSchema, async (request) => ({
    ...(await sdkInitialize(request)),
    protocolVersion: negotiateMcpProtocolVersion(request.params.protocolVersion),
  }));
}
