import { z } from 'zod';
import { AgentryError, agentIdSchema, semverSchema, type AgentManifest, type LimitsManifest, type ModelProvider } from '../contract';
import {
  rejectUnknownKeys,
  resolveCapabilities,
  type ResolvedTaskPackCapabilities,
  type TaskPackCapabilitiesDefinition,
  type TaskPackFetch,
} from './task-pack-capabilities';
import { isObjectJsonSchema, zodToJsonSchema } from './task-pack-json-schema';
import { sdkVersion } from './task-pack-sdk-version';
import { isSemverRange, satisfiesSemverRange } from './task-pack-semver';
import {
  resolveTelemetry,
  type ResolvedTaskPackTelemetry,
  type TaskPackTelemetry,
  type TaskPackTelemetryDefinition,
} from './task-pack-telemetry';

/** Events a streaming handler may yield; the runtime adds ids, usage and the final result. */
export type TaskPackEvent =
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call'; toolCallId: string; name: string; args: unknown };

/** A minimal structured logger handed to packs; the host decides where lines go. */
export interface TaskPackLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** `ctx.tools`: calls the tools the manifest declares, and only those. */
export interface TaskPackTools {
  /**
   * Calls a declared tool with arguments checked against its input schema.
   * @throws AgentryError `AGENTRY_CAPABILITY_DENIED` for an undeclared tool or one the host cannot provide,
   *   `AGENTRY_INVALID_OUTPUT` for arguments that do not match, `AGENTRY_UPSTREAM_ERROR` when the tool fails.
   */
  call<Result = unknown>(name: string, args?: unknown): Promise<Result>;
  /** Names of the declared tools. */
  names(): string[];
}

/** What a handler may use. Everything the pack touches comes through here, so the host can meter and police it. */
export interface TaskPackContext {
  /** Aborts on caller cancel, deadline or shutdown; pass it to every awaited call. */
  readonly signal: AbortSignal;
  /**
   * The model provider, metered: every call's usage is added to the invocation's usage.
   * Reading it throws AGENTRY_CAPABILITY_DENIED unless `capabilities.model` is true.
   */
  readonly model: ModelProvider;
  readonly requestId: string;
  readonly invocationId: string;
  readonly tenant: string;
  readonly subject: string | undefined;
  readonly logger: TaskPackLogger;
  /** The declared tools. */
  readonly tools: TaskPackTools;
  /** `fetch` limited to `capabilities.network.hosts`; other hosts throw AGENTRY_CAPABILITY_DENIED. */
  readonly fetch: TaskPackFetch;
  /** Emits the declared telemetry events and metrics. */
  readonly telemetry: TaskPackTelemetry;
}

/** What a handler returns: the output, or an async generator that yields events and returns the output. */
export type TaskPackHandlerResult<Output> =
  | Output
  | Promise<Output>
  | AsyncGenerator<TaskPackEvent, Output, undefined>;

/** Limits the host enforces on every invocation. */
export interface TaskPackLimits {
  /** Deadline for one invocation in milliseconds: the pack's latency budget. @default the host's (60000 for createRuntime) */
  timeoutMs?: number;
  /** Model tokens (input + output, over all calls) one invocation may use. @default unlimited */
  maxTokens?: number;
  /** Invocations that may run at once per runtime; one more is refused with AGENTRY_RATE_LIMITED. @default unlimited */
  maxConcurrency?: number;
}

/** The definition given to {@link defineTaskPack}. */
export interface TaskPackDefinition<Input extends z.ZodType, Output extends z.ZodType> {
  /** Version of this interface. @default 'v1' */
  specificationVersion?: 'v1';
  /** Agent id: lowercase letters, digits and dashes. */
  id: string;
  /** Semantic version of the pack. */
  version: string;
  /** One line a user reads in `GET /v1/agents`. */
  description: string;
  /** Schema of the input; must describe an object. */
  input: Input;
  /** Schema of the output; must describe an object. */
  output: Output;
  /** Whether the handler streams text; shown in the manifest. @default false */
  streaming?: boolean;
  /** What the handler may touch. @default no tools, no hosts; the model only for packs without this block */
  capabilities?: TaskPackCapabilitiesDefinition;
  /** The events and metrics the pack promises to emit. @default none */
  telemetry?: TaskPackTelemetryDefinition;
  /** Limits the host enforces. */
  limits?: TaskPackLimits;
  /** Semver range of compatible SDKs, e.g. `^0.1.0`; defining the pack on another SDK fails. @default any */
  sdk?: string;
  /** Whether the same input gives the same output with a deterministic model; the contract kit checks it. @default true */
  deterministic?: boolean;
  handler(input: z.infer<Input>, context: TaskPackContext): TaskPackHandlerResult<z.infer<Output>>;
}

/** A defined task pack: validated definition plus its published manifest. */
export interface TaskPack<Input extends z.ZodType = z.ZodType, Output extends z.ZodType = z.ZodType>
  extends Readonly<Required<Pick<TaskPackDefinition<Input, Output>, 'specificationVersion' | 'streaming' | 'deterministic'>>>,
    Readonly<Omit<TaskPackDefinition<Input, Output>, 'specificationVersion' | 'streaming' | 'deterministic' | 'capabilities' | 'telemetry'>> {
  /** Brand: only {@link defineTaskPack} makes a TaskPack. */
  readonly kind: 'agentry.task-pack';
  /** The granted capabilities, defaults filled. */
  readonly capabilities: ResolvedTaskPackCapabilities;
  /** The promised telemetry, defaults filled. */
  readonly telemetry: ResolvedTaskPackTelemetry;
  /** The manifest published in `GET /v1/agents`, with JSON Schemas generated from the zod schemas. */
  readonly manifest: AgentManifest;
}

const definitionKeys = [
  'specificationVersion',
  'id',
  'version',
  'description',
  'input',
  'output',
  'streaming',
  'capabilities',
  'telemetry',
  'limits',
  'sdk',
  'deterministic',
  'handler',
  // Derived fields of a defined pack, so `defineTaskPack({ ...pack, version: '2.0.0' })` works; both are rebuilt.
  'kind',
  'manifest',
] as const;

/**
 * Defines a task pack: a versioned, typed unit of agent work a runtime can host.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` naming the field when the id, version, schemas,
 *   capabilities, telemetry, limits or SDK range are invalid, or the SDK range excludes this SDK.
 * @example
 * const echo = defineTaskPack({
 *   id: 'echo', version: '1.0.0', description: 'Returns its input.',
 *   input: z.object({ text: z.string() }), output: z.object({ text: z.string() }),
 *   telemetry: { metrics: { echo_chars_total: { kind: 'counter', unit: 'characters' } } },
 *   handler: (input, ctx) => {
 *     ctx.telemetry.metric('echo_chars_total', input.text.length);
 *     return { text: input.text };
 *   },
 * });
 */
export function defineTaskPack<Input extends z.ZodType, Output extends z.ZodType>(
  definition: TaskPackDefinition<Input, Output>,
): TaskPack<Input, Output> {
  const where = `defineTaskPack(${JSON.stringify(definition?.id)})`;
  const fail = (field: string, problem: string): AgentryError => invalid(where, field, problem);
  if (typeof definition !== 'object' || definition === null) throw fail('definition', 'must be an object');
  const id = agentIdSchema.safeParse(definition.id);
  if (!id.success) throw fail('id', id.error.issues[0]?.message ?? 'invalid');
  const version = semverSchema.safeParse(definition.version);
  if (!version.success) throw fail('version', version.error.issues[0]?.message ?? 'invalid');
  if (definition.specificationVersion !== undefined && definition.specificationVersion !== 'v1') {
    throw fail('specificationVersion', `"${String(definition.specificationVersion)}" is not supported by this SDK (supported: v1)`);
  }
  if (!(definition.input instanceof z.ZodType)) throw fail('input', 'must be a zod schema');
  if (!(definition.output instanceof z.ZodType)) throw fail('output', 'must be a zod schema');
  if (typeof definition.handler !== 'function') throw fail('handler', 'must be a function');
  rejectUnknownKeys(definition, definitionKeys, 'definition', fail);
  const streaming = definition.streaming ?? false;
  const deterministic = definition.deterministic ?? true;
  if (typeof streaming !== 'boolean') throw fail('streaming', 'must be true or false');
  if (typeof deterministic !== 'boolean') throw fail('deterministic', 'must be true or false');
  const limits = resolveLimits(definition.limits, fail);
  if (definition.sdk !== undefined) {
    if (typeof definition.sdk !== 'string' || !isSemverRange(definition.sdk)) throw fail('sdk', `"${String(definition.sdk)}" is not a semver range`);
    if (!satisfiesSemverRange(sdkVersion, definition.sdk)) {
      throw fail('sdk', `range "${definition.sdk}" does not include this SDK (@agentry/sdk ${sdkVersion}); install a compatible SDK or widen the range`);
    }
  }
  const capabilities = resolveCapabilities(definition.capabilities, fail);
  const telemetry = resolveTelemetry(definition.telemetry, fail);
  const manifest: AgentManifest = {
    id: definition.id,
    version: definition.version,
    description: definition.description ?? '',
    inputSchema: objectSchema(definition.input, 'input', fail),
    outputSchema: objectSchema(definition.output, 'output', fail),
    streaming,
    specificationVersion: 'v1',
    capabilities: capabilities.manifest,
    telemetry: telemetry.manifest,
    limits: limits ?? {},
    ...(definition.sdk === undefined ? {} : { sdk: definition.sdk }),
    deterministic,
  };
  return Object.freeze({
    ...definition,
    specificationVersion: 'v1' as const,
    streaming,
    deterministic,
    ...(limits === undefined ? {} : { limits }),
    capabilities: capabilities.capabilities,
    telemetry: telemetry.telemetry,
    kind: 'agentry.task-pack' as const,
    manifest,
  });
}

/** True for a value made by {@link defineTaskPack} (in any copy of the SDK). */
export function isTaskPack(value: unknown): value is TaskPack {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'agentry.task-pack';
}

function resolveLimits(limits: TaskPackLimits | undefined, fail: (field: string, problem: string) => AgentryError): LimitsManifest | undefined {
  if (limits === undefined) return undefined;
  if (typeof limits !== 'object' || limits === null) throw fail('limits', 'must be an object');
  rejectUnknownKeys(limits, ['timeoutMs', 'maxTokens', 'maxConcurrency'], 'limits', fail);
  for (const key of ['timeoutMs', 'maxTokens', 'maxConcurrency'] as const) {
    const value = limits[key];
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw fail(`limits.${key}`, 'must be a positive integer');
  }
  return {
    ...(limits.timeoutMs === undefined ? {} : { timeoutMs: limits.timeoutMs }),
    ...(limits.maxTokens === undefined ? {} : { maxTokens: limits.maxTokens }),
    ...(limits.maxConcurrency === undefined ? {} : { maxConcurrency: limits.maxConcurrency }),
  };
}

function objectSchema(schema: z.ZodType, field: 'input' | 'output', fail: (field: string, problem: string) => AgentryError): Record<string, unknown> {
  let json: Record<string, unknown>;
  try {
    json = zodToJsonSchema(schema, field);
  } catch (error) {
    throw fail(field, `cannot be expressed as JSON Schema (${(error as Error).message})`);
  }
  // MCP tools and the wire protocol carry inputs and outputs as JSON objects.
  if (!isObjectJsonSchema(json)) throw fail(field, `must describe an object (got ${JSON.stringify(json.type ?? 'a non-object schema')}); wrap it in z.object({...})`);
  return json;
}

function invalid(where: string, field: string, problem: string): AgentryError {
  return new AgentryError('AGENTRY_INVALID_OPTIONS', `${where}: \`${field}\` ${problem}`, {
    hint: 'A task pack needs an id (lowercase, dashes), a semver version, zod object input/output schemas and a handler; see docs/manifest.md.',
  });
}
