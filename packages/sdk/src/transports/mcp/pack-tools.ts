import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { AgentManifest } from '../../contract';
import { tierAllows, type McpCaller } from './mcp-caller';

/** A hosted pack as an MCP tool, with the agent it calls. */
export interface PackTool {
  tool: Tool;
  agent: string;
  version: string;
  minTier: string | undefined;
}

/**
 * The newest version of each hosted pack as an MCP tool: its id as the name (scoped ids use `.`
 * for `/`, the MCP tool-name alphabet has no slash), its description, and its input and output
 * JSON Schemas. Packs above the caller's tier are left out.
 */
export function packTools(manifests: readonly AgentManifest[], caller: McpCaller, tiers: readonly string[], only?: readonly string[]): PackTool[] {
  const newest = new Map<string, AgentManifest>();
  for (const manifest of manifests) {
    if (only !== undefined && !only.includes(manifest.id)) continue;
    const current = newest.get(manifest.id);
    if (current === undefined || compareVersions(manifest.version, current.version) > 0) newest.set(manifest.id, manifest);
  }
  return [...newest.values()]
    .filter((manifest) => tierAllows(caller, manifest.capabilities?.minTier, tiers))
    .map((manifest) => ({
      agent: manifest.id,
      version: manifest.version,
      minTier: manifest.capabilities?.minTier,
      tool: {
        name: toolName(manifest.id),
        title: manifest.id,
        description: manifest.description,
        inputSchema: withoutDialect(manifest.inputSchema) as Tool['inputSchema'],
        outputSchema: withoutDialect(manifest.outputSchema) as NonNullable<Tool['outputSchema']>,
        annotations: { title: manifest.id, ...(manifest.capabilities?.network.hosts.length === 0 ? { openWorldHint: false } : {}) },
        _meta: { 'agentry/version': manifest.version },
      },
    }));
}

/** The MCP tool name of an agent id. */
export function toolName(agent: string): string {
  return agent.replaceAll('/', '.');
}

/** Orders `MAJOR.MINOR.PATCH[-pre]` versions; a pre-release sorts before its release. */
function compareVersions(a: string, b: string): number {
  const parse = (version: string) => {
    const [core = '', pre] = version.split('+')[0]!.split('-', 2);
    return { parts: core.split('.').map(Number), pre };
  };
  const left = parse(a);
  const right = parse(b);
  for (let index = 0; index < 3; index++) {
    const difference = (left.parts[index] ?? 0) - (right.parts[index] ?? 0);
    if (difference !== 0) return difference;
  }
  if (left.pre === right.pre) return 0;
  if (left.pre === undefined) return 1;
  if (right.pre === undefined) return -1;
  return left.pre < right.pre ? -1 : 1;
}

// MCP's default dialect is draft 2020-12 already, and some clients' validators choke on the URI.
function withoutDialect(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}
