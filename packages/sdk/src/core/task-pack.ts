import { z } from 'zod';
import { AgentryError, agentIdSchema, semverSchema, type AgentManifest, type ModelProvider } from '../contract';

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

/** What a handler may use. Everything the pack touches comes through here, so the host can meter and police it. */
export interface TaskPackContext {
  /** Aborts on caller cancel, deadline or shutdown; pass it to every awaited call. */
  readonly signal: AbortSignal;
  /** The model provider, metered: every call's usage is added to the invocation's usage. */
  readonly model: ModelProvider;
  readonly requestId: string;
  readonly invocationId: string;
  readonly tenant: string;
  readonly subject: string | undefined;
  readonly logger: TaskPackLogger;
}

/** What a handler returns: the output, or an async generator that yields events and returns the output. */
export type TaskPackHandlerResult<Output> =
  | Output
  | Promise<Output>
  | AsyncGenerator<TaskPackEvent, Output, undefined>;

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
  input: Input;
  output: Output;
  /** Whether the handler streams text; shown in the manifest. @default false */
  streaming?: boolean;
  /** Limits the host enforces. */
  limits?: {
    /** Deadline for one invocation in milliseconds. @default 60000 */
    timeoutMs?: number;
  };
  handler(input: z.infer<Input>, context: TaskPackContext): TaskPackHandlerResult<z.infer<Output>>;
}

/** A defined task pack: validated definition plus its published manifest. */
export interface TaskPack<Input extends z.ZodType = z.ZodType, Output extends z.ZodType = z.ZodType>
  extends Readonly<Required<Pick<TaskPackDefinition<Input, Output>, 'specificationVersion' | 'streaming'>>>,
    Readonly<Omit<TaskPackDefinition<Input, Output>, 'specificationVersion' | 'streaming'>> {
  /** Brand: only {@link defineTaskPack} makes a TaskPack. */
  readonly kind: 'agentry.task-pack';
  /** The manifest published in `GET /v1/agents`, with JSON Schemas generated from the zod schemas. */
  readonly manifest: AgentManifest;
}

/**
 * Defines a task pack: a versioned, typed unit of agent work a runtime can host.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` when the id, version or schemas are invalid.
 * @example
 * const echo = defineTaskPack({
 *   id: 'echo', version: '1.0.0', description: 'Returns its input.',
 *   input: z.object({ text: z.string() }), output: z.object({ text: z.string() }),
 *   handler: (input) => ({ text: input.text }),
 * });
 */
export function defineTaskPack<Input extends z.ZodType, Output extends z.ZodType>(
  definition: TaskPackDefinition<Input, Output>,
): TaskPack<Input, Output> {
  const where = `defineTaskPack(${JSON.stringify(definition?.id)})`;
  const id = agentIdSchema.safeParse(definition?.id);
  if (!id.success) throw invalid(where, 'id', id.error.issues[0]?.message ?? 'invalid');
  const version = semverSchema.safeParse(definition.version);
  if (!version.success) throw invalid(where, 'version', version.error.issues[0]?.message ?? 'invalid');
  if (!(definition.input instanceof z.ZodType)) throw invalid(where, 'input', 'must be a zod schema');
  if (!(definition.output instanceof z.ZodType)) throw invalid(where, 'output', 'must be a zod schema');
  if (typeof definition.handler !== 'function') throw invalid(where, 'handler', 'must be a function');
  const streaming = definition.streaming ?? false;
  const manifest: AgentManifest = {
    id: definition.id,
    version: definition.version,
    description: definition.description ?? '',
    inputSchema: toJsonSchema(definition.input, where, 'input'),
    outputSchema: toJsonSchema(definition.output, where, 'output'),
    streaming,
  };
  return Object.freeze({
    ...definition,
    specificationVersion: 'v1' as const,
    streaming,
    kind: 'agentry.task-pack' as const,
    manifest,
  });
}

/** True for a value made by {@link defineTaskPack} (in any copy of the SDK). */
export function isTaskPack(value: unknown): value is TaskPack {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'agentry.task-pack';
}

function toJsonSchema(schema: z.ZodType, where: string, field: string): Record<string, unknown> {
  try {
    return z.toJSONSchema(schema, { target: 'draft-2020-12', io: field === 'input' ? 'input' : 'output' }) as Record<
      string,
      unknown
    >;
  } catch (error) {
    throw invalid(where, field, `cannot be expressed as JSON Schema (${(error as Error).message})`);
  }
}

function invalid(where: string, field: string, problem: string): AgentryError {
  return new AgentryError('AGENTRY_INVALID_OPTIONS', `${where}: \`${field}\` ${problem}`, {
    hint: 'A task pack needs an id (lowercase, dashes), a semver version, zod input/output schemas and a handler.',
  });
}
