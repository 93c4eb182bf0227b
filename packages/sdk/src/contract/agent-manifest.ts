import { z } from 'zod';
import { agentIdSchema, semverSchema } from './invocation';

/** A JSON Schema (draft 2020-12) as published in manifests. */
const jsonSchemaObject = z.record(z.string(), z.unknown());

/** Name of a tool a pack may call: letters, digits, `_`, `-` and `.` (the MCP tool-name alphabet). */
export const toolNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'tool names are 1-64 letters, digits, "_", "-" or "."');

/**
 * A network host a pack may reach: a hostname (`api.example.com`), a wildcard for its subdomains
 * (`*.example.com`) or an IP literal, each optionally with a port (`127.0.0.1:8080`, `[::1]:443`).
 * Without a port every port of the host is allowed.
 */
export const networkHostSchema = z
  .string()
  .regex(
    /^(?:(?:\*\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/,
    'hosts are lowercase hostnames, "*.domain" wildcards or IP literals, with an optional ":port"',
  );

/** Name of a telemetry event a pack promises: lowercase words joined by `.`, `-` or `_`. */
export const telemetryEventNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9]*(?:[._-][a-z0-9]+)*$/, 'event names are lowercase words joined by ".", "-" or "_"');

/** Name of a metric a pack promises, in Prometheus style (`search_hits_total`). */
export const metricNameSchema = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*$/, 'metric names are lowercase letters, digits and "_" (Prometheus style)');

/** A tool a pack declares it may call, as published. */
export const toolDeclarationManifestSchema = z.object({
  name: toolNameSchema.describe('Name the handler calls the tool by.'),
  description: z.string().optional(),
  /** JSON Schema of the tool's arguments. */
  inputSchema: jsonSchemaObject.describe("JSON Schema (draft 2020-12) of the tool's arguments."),
  /** Set when the tool comes from an MCP server the host connects to under `server`. */
  mcp: z
    .object({ server: z.string().min(1), tool: z.string().min(1) })
    .optional()
    .describe('Set when the tool is taken from the MCP server the host connected under `server`.'),
});
export type ToolDeclarationManifest = z.infer<typeof toolDeclarationManifestSchema>;

/** What a pack may touch. Anything else fails with AGENTRY_CAPABILITY_DENIED. */
export const capabilitiesManifestSchema = z.object({
  tools: z.array(toolDeclarationManifestSchema).describe('Tools the handler may call through ctx.tools.'),
  network: z.object({ hosts: z.array(networkHostSchema) }).describe('Hosts ctx.fetch may reach.'),
  /** Whether the pack calls the model provider. */
  model: z.boolean().describe('Whether the handler may use ctx.model.'),
  /** The lowest tenant tier that may use the pack; every tier when absent. */
  minTier: z.string().min(1).optional().describe('The lowest tenant tier that may use the pack; every tier when absent.'),
});
export type CapabilitiesManifest = z.infer<typeof capabilitiesManifestSchema>;

/** The telemetry a pack promises to emit: events with the JSON Schema of their data, and metrics. */
export const telemetryManifestSchema = z.object({
  events: z
    .record(telemetryEventNameSchema, z.object({ description: z.string().optional(), schema: jsonSchemaObject }))
    .describe('Events the pack promises, each with the JSON Schema of its data.'),
  metrics: z.record(
    metricNameSchema,
    z.object({
      kind: z.enum({ counter: 'counter', histogram: 'histogram' }),
      unit: z.string().min(1).optional(),
      description: z.string().optional(),
    }),
  ).describe('Metrics the pack promises: counters (increments) or histograms (observations).'),
});
export type TelemetryManifest = z.infer<typeof telemetryManifestSchema>;

/** Limits the host enforces on every invocation of the pack. */
export const limitsManifestSchema = z.object({
  /** Deadline of one invocation in ms (the latency budget); the host's default when absent. */
  timeoutMs: z.number().int().positive().optional().describe("Deadline of one invocation in ms (the latency budget); the host's default when absent."),
  /** Model tokens (input + output) one invocation may use. */
  maxTokens: z.number().int().positive().optional().describe('Model tokens (input + output, all calls) one invocation may use.'),
  /** Invocations of this pack that may run at once per runtime. */
  maxConcurrency: z.number().int().positive().optional().describe('Invocations that may run at once per runtime; more are refused with AGENTRY_RATE_LIMITED.'),
});
export type LimitsManifest = z.infer<typeof limitsManifestSchema>;

/**
 * What a hosted agent (task pack) publishes about itself in `GET /v1/agents`. The fields after
 * `streaming` were added with task-pack specification v1; they are optional on the wire so agents
 * served by older hosts still parse.
 */
export const agentManifestSchema = z.object({
  id: agentIdSchema,
  version: semverSchema,
  description: z.string(),
  /** JSON Schema (draft 2020-12) of the input. */
  inputSchema: jsonSchemaObject,
  /** JSON Schema (draft 2020-12) of the output. */
  outputSchema: jsonSchemaObject,
  /** Whether the agent streams text as it works. */
  streaming: z.boolean(),
  /** Version of the task-pack interface the agent was defined with. */
  specificationVersion: z.literal('v1').optional().describe('Version of the task-pack interface the agent was defined with.'),
  capabilities: capabilitiesManifestSchema.optional().describe('What the pack may touch; anything else fails with AGENTRY_CAPABILITY_DENIED.'),
  telemetry: telemetryManifestSchema.optional().describe('The events and metrics the pack promises to emit.'),
  limits: limitsManifestSchema.optional().describe('Limits the host enforces on every invocation.'),
  /** Semver range of SDK versions the pack works with. */
  sdk: z.string().min(1).optional().describe('Semver range of @agentry/sdk versions the pack works with.'),
  /** Whether the same input gives the same output with a deterministic model. */
  deterministic: z.boolean().optional().describe('Whether the same input gives the same output with a deterministic model.'),
});
export type AgentManifest = z.infer<typeof agentManifestSchema>;

/** Body of `GET /v1/agents`. */
export const agentListSchema = z.object({ agents: z.array(agentManifestSchema) });
export type AgentList = z.infer<typeof agentListSchema>;
