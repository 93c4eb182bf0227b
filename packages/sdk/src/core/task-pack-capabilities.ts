import { z } from 'zod';
import { networkHostSchema, toolNameSchema, type AgentryError, type CapabilitiesManifest } from '../contract';
import { isObjectJsonSchema, zodToJsonSchema } from './task-pack-json-schema';

/** What a tool implementation receives besides its arguments. */
export interface TaskPackToolContext {
  /** Aborts with the invocation; pass it to every awaited call. */
  readonly signal: AbortSignal;
  readonly tenant: string;
  readonly requestId: string;
  readonly invocationId: string;
  /** The pack that called the tool. */
  readonly pack: { readonly id: string; readonly version: string };
  /** The calling pack's `ctx.fetch`: limited to the hosts the pack declares. */
  readonly fetch: TaskPackFetch;
}

/** `fetch` as packs see it: only the declared hosts answer. */
export type TaskPackFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** A tool a pack declares, as written in `capabilities.tools`. */
export interface TaskPackToolDefinition<Args extends z.ZodType = z.ZodType> {
  /** Name the handler calls it by: letters, digits, `_`, `-`, `.`. */
  name: string;
  description?: string;
  /** Schema of the arguments; checked on every call. @default any JSON object */
  input?: Args;
  /**
   * The pack's own implementation. A host that provides the same tool (see TaskPackToolProvider)
   * takes precedence, so operators can swap in a metered or sandboxed version.
   */
  execute?(args: z.infer<Args>, context: TaskPackToolContext): unknown;
  /** Take the tool from the MCP server the host connected under `server` (tool name `tool`, @default `name`). */
  mcp?: { server: string; tool?: string };
}

/** The `capabilities` block of a definition. Every key is optional; unknown keys are refused. */
export interface TaskPackCapabilitiesDefinition {
  /** Tools the handler may call through `ctx.tools.call`; a bare string declares a tool taking any object. @default [] */
  // `any` lets each inline declaration infer its own argument type from its `input` schema.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  tools?: readonly (string | TaskPackToolDefinition<any>)[];
  /** Hosts `ctx.fetch` may reach. @default { hosts: [] } */
  network?: { hosts?: readonly string[] };
  /**
   * Whether the handler uses `ctx.model`.
   * @default false — except for packs with no `capabilities` block at all, which predate it and keep the model
   */
  model?: boolean;
  /** The lowest tenant tier that may use the pack (the host orders tiers). @default every tier */
  minTier?: string;
}

/** A declared tool after {@link defineTaskPack} checked it. */
export interface TaskPackTool {
  readonly name: string;
  readonly description: string | undefined;
  readonly input: z.ZodType;
  readonly execute: ((args: unknown, context: TaskPackToolContext) => unknown) | undefined;
  readonly mcp: { readonly server: string; readonly tool: string } | undefined;
}

/** The capabilities a pack was granted, defaults filled. */
export interface ResolvedTaskPackCapabilities {
  readonly tools: readonly TaskPackTool[];
  readonly network: { readonly hosts: readonly string[] };
  readonly model: boolean;
  readonly minTier: string | undefined;
}

type Fail = (field: string, problem: string) => AgentryError;

const capabilityKeys = ['tools', 'network', 'model', 'minTier'] as const;
const toolKeys = ['name', 'description', 'input', 'execute', 'mcp'] as const;

/** Checks and normalises `capabilities`; `fail` builds the coded error naming the field. */
export function resolveCapabilities(
  definition: TaskPackCapabilitiesDefinition | undefined,
  fail: Fail,
): { capabilities: ResolvedTaskPackCapabilities; manifest: CapabilitiesManifest } {
  // Packs written before capabilities existed always had the model; they keep it.
  if (definition === undefined) {
    return {
      capabilities: { tools: [], network: { hosts: [] }, model: true, minTier: undefined },
      manifest: { tools: [], network: { hosts: [] }, model: true },
    };
  }
  if (typeof definition !== 'object' || definition === null) throw fail('capabilities', 'must be an object');
  rejectUnknownKeys(definition, capabilityKeys, 'capabilities', fail);

  const tools = (definition.tools ?? []).map((tool, index) => resolveTool(tool, `capabilities.tools[${index}]`, fail));
  const seen = new Set<string>();
  for (const [index, { tool }] of tools.entries()) {
    if (seen.has(tool.name)) throw fail(`capabilities.tools[${index}].name`, `declares "${tool.name}" twice`);
    seen.add(tool.name);
  }

  if (definition.network !== undefined) rejectUnknownKeys(definition.network, ['hosts'], 'capabilities.network', fail);
  const hosts = [...(definition.network?.hosts ?? [])];
  for (const [index, host] of hosts.entries()) {
    const checked = networkHostSchema.safeParse(host);
    if (!checked.success) throw fail(`capabilities.network.hosts[${index}]`, `"${String(host)}": ${checked.error.issues[0]?.message}`);
  }

  if (definition.model !== undefined && typeof definition.model !== 'boolean') throw fail('capabilities.model', 'must be true or false');
  if (definition.minTier !== undefined && (typeof definition.minTier !== 'string' || definition.minTier === '')) {
    throw fail('capabilities.minTier', 'must be a tier name');
  }
  const capabilities: ResolvedTaskPackCapabilities = {
    tools: tools.map(({ tool }) => tool),
    network: { hosts },
    model: definition.model ?? false,
    minTier: definition.minTier,
  };
  return {
    capabilities,
    manifest: {
      tools: tools.map(({ manifest }) => manifest),
      network: { hosts },
      model: capabilities.model,
      ...(capabilities.minTier === undefined ? {} : { minTier: capabilities.minTier }),
    },
  };
}

function resolveTool(
  definition: string | TaskPackToolDefinition,
  field: string,
  fail: Fail,
): { tool: TaskPackTool; manifest: CapabilitiesManifest['tools'][number] } {
  const given: TaskPackToolDefinition = typeof definition === 'string' ? { name: definition } : definition;
  if (typeof given !== 'object' || given === null) throw fail(field, 'must be a tool name or { name, input, ... }');
  rejectUnknownKeys(given, toolKeys, field, fail);
  const name = toolNameSchema.safeParse(given.name);
  if (!name.success) throw fail(`${field}.name`, name.error.issues[0]?.message ?? 'invalid');
  const input = given.input ?? z.record(z.string(), z.unknown());
  if (!(input instanceof z.ZodType)) throw fail(`${field}.input`, 'must be a zod schema');
  let inputSchema: Record<string, unknown>;
  try {
    inputSchema = zodToJsonSchema(input, 'input');
  } catch (error) {
    throw fail(`${field}.input`, `cannot be expressed as JSON Schema (${(error as Error).message})`);
  }
  if (!isObjectJsonSchema(inputSchema)) throw fail(`${field}.input`, 'must describe an object (use z.object)');
  if (given.execute !== undefined && typeof given.execute !== 'function') throw fail(`${field}.execute`, 'must be a function');
  if (given.mcp !== undefined && (typeof given.mcp?.server !== 'string' || given.mcp.server === '')) {
    throw fail(`${field}.mcp.server`, 'must name the MCP server the host connects to');
  }
  const mcp = given.mcp === undefined ? undefined : { server: given.mcp.server, tool: given.mcp.tool ?? name.data };
  return {
    tool: {
      name: name.data,
      description: given.description,
      input,
      execute: given.execute as TaskPackTool['execute'],
      mcp,
    },
    manifest: {
      name: name.data,
      ...(given.description === undefined ? {} : { description: given.description }),
      inputSchema,
      ...(mcp === undefined ? {} : { mcp }),
    },
  };
}

/** Refuses keys a block does not define, so a typo (`netwrok`) fails loudly instead of granting nothing. */
export function rejectUnknownKeys(value: object, known: readonly string[], field: string, fail: Fail): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw fail(`${field}.${key}`, `is not a known field (known: ${known.join(', ')})`);
  }
}
