import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { AgentManifest } from '../../contract';
import { compareVersions } from '../../runtime/pack-registry';
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
        inputSchema: forMcpClients(manifest.inputSchema) as Tool['inputSchema'],
        outputSchema: forMcpClients(manifest.outputSchema) as NonNullable<Tool['outputSchema']>,
        annotations: { title: manifest.id, ...(manifest.capabilities?.network.hosts.length === 0 ? { openWorldHint: false } : {}) },
        _meta: { 'agentry/version': manifest.version },
      },
    }));
}

/** The MCP tool name of an agent id. */
export function toolName(agent: string): string {
  return agent.replaceAll('/', '.');
}

/**
 * A manifest schema as MCP clients read it. The dialect URI goes (some validators choke on it),
 * and draft 2020-12 tuples (`prefixItems` + `items: false`) become the draft-07 form
 * (`items: [...]` + `additionalItems`), since common clients validate structured results with
 * a draft-07 validator that would otherwise refuse every tuple (e.g. a `[start, end]` line range).
 */
export function forMcpClients(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = schema;
  return downgradeTuples(rest) as Record<string, unknown>;
}

function downgradeTuples(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(downgradeTuples);
  if (node === null || typeof node !== 'object') return node;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) result[key] = downgradeTuples(value);
  if (Array.isArray(result.prefixItems)) {
    const rest = result.items;
    result.items = result.prefixItems;
    delete result.prefixItems;
    if (rest !== undefined) result.additionalItems = rest;
  }
  return result;
}
