import { AgentryError, isAgentryError, toAgentryError, type ModelProvider } from '../contract';
import { capabilityDenied, type TaskPackCapabilityKind } from './task-pack-capability-denied';
import type { TaskPackFetch, TaskPackTool, TaskPackToolContext } from './task-pack-capabilities';
import { createGuardedFetch } from './task-pack-fetch';
import type { TaskPackHost } from './task-pack-host';
import { createPackTelemetry, type TaskPackRecordBase, type TaskPackTelemetry, type TaskPackTelemetryRecord } from './task-pack-telemetry';
import type { TaskPack, TaskPackContext, TaskPackLogger, TaskPackTools } from './task-pack';
import type { ToolAccessCheck } from './tool-access';

/** What the runtime knows of one invocation when it builds the pack's context. */
export interface TaskPackContextOptions {
  signal: AbortSignal;
  /** The provider, already metered (and token-limited) for this invocation. */
  model: ModelProvider;
  requestId: string;
  invocationId: string;
  tenant: string;
  subject: string | undefined;
  logger: TaskPackLogger;
  /** Host services of this invocation. */
  host: TaskPackHost;
  /** The fetch used when the host lends none. */
  defaultFetch: TaskPackFetch;
  /** The tenant tier's tool check (governance): a tool it refuses is never run. */
  toolAccess?: ToolAccessCheck | undefined;
}

/**
 * Builds the handler's context so it exposes only what the manifest declares: `tools.call` for
 * declared tools, `fetch` for declared hosts, `model` when model use is declared, `telemetry`
 * for declared events and metrics. Every refusal throws AGENTRY_CAPABILITY_DENIED and is also
 * reported to the host's telemetry sink, so a handler that swallows the error is still caught.
 *
 * Built on every invocation, and most handlers touch little of it: the context holds thin
 * functions over one {@link PackScope}, which builds the guarded fetch, the tool table and the
 * telemetry emitter the first time they are used.
 */
export function createTaskPackContext(pack: TaskPack, options: TaskPackContextOptions): TaskPackContext {
  const scope = new PackScope(pack, options);
  const tools: TaskPackTools = {
    call: ((name: string, args?: unknown) => scope.callTool(name, args)) as TaskPackTools['call'],
    names: () => scope.toolNames(),
  };
  const telemetry: TaskPackTelemetry = {
    emit: (event, data) => scope.telemetry().emit(event, data),
    metric: (name, value, labels) => scope.telemetry().metric(name, value, labels),
  };
  const fetch: TaskPackFetch = (input, init) => scope.fetch(input, init);
  scope.contextFetch = fetch;
  const { signal, requestId, invocationId, tenant, subject, logger } = options;
  if (pack.capabilities.model) {
    return Object.freeze({ signal, requestId, invocationId, tenant, subject, logger, tools, fetch, telemetry, model: options.model });
  }
  const context = { signal, requestId, invocationId, tenant, subject, logger, tools, fetch, telemetry } as Omit<TaskPackContext, 'model'>;
  // Undeclared, `model` is a non-enumerable getter that refuses, so `{ ...ctx }` still works and drops it.
  Object.defineProperty(context, 'model', { enumerable: false, get: () => { throw scope.deny('model', 'model', 'set capabilities.model to true'); } });
  return Object.freeze(context) as TaskPackContext;
}

/** Tools by name, per pack: a defined pack's tool list never changes. */
const toolTables = new WeakMap<TaskPack, ReadonlyMap<string, TaskPackTool>>();

function toolTableOf(pack: TaskPack): ReadonlyMap<string, TaskPackTool> {
  let table = toolTables.get(pack);
  if (table === undefined) toolTables.set(pack, (table = new Map(pack.capabilities.tools.map((tool) => [tool.name, tool]))));
  return table;
}

/** One invocation's view of its pack's capabilities; the parts are made when first used. */
class PackScope {
  readonly pack: TaskPack;
  readonly options: TaskPackContextOptions;
  /** `ctx.fetch`, which the tool context hands on. */
  contextFetch: TaskPackFetch | undefined;
  private guardedFetch: TaskPackFetch | undefined;
  private packTelemetry: TaskPackTelemetry | undefined;
  private toolContext: TaskPackToolContext | undefined;

  constructor(pack: TaskPack, options: TaskPackContextOptions) {
    this.pack = pack;
    this.options = options;
  }

  get label(): string {
    return `${this.pack.id}@${this.pack.version}`;
  }

  base(): TaskPackRecordBase {
    const { options } = this;
    return { pack: this.label, invocationId: options.invocationId, requestId: options.requestId, tenant: options.tenant, at: Date.now() };
  }

  record(entry: TaskPackTelemetryRecord): void {
    try {
      this.options.host.telemetry?.(entry);
    } catch {
      // A broken sink must not fail the pack's work.
    }
  }

  deny(capability: TaskPackCapabilityKind, name: string, fix: string, reason?: string): AgentryError {
    const error = capabilityDenied({ pack: this.label, capability, name, fix, ...(reason === undefined ? {} : { reason }) });
    error.requestId = this.options.requestId;
    this.record({ ...this.base(), type: 'capability-denied', capability, name, message: error.message });
    return error;
  }

  fetch(input: Parameters<TaskPackFetch>[0], init?: RequestInit): Promise<Response> {
    this.guardedFetch ??= createGuardedFetch({
      fetch: this.options.host.fetch ?? this.options.defaultFetch,
      hosts: this.pack.capabilities.network.hosts,
      signal: this.options.signal,
      deny: (url) => this.deny('network', url.host, `add "${url.hostname}" to capabilities.network.hosts`),
    });
    return this.guardedFetch(input, init);
  }

  telemetry(): TaskPackTelemetry {
    return (this.packTelemetry ??= createPackTelemetry(
      this.pack.telemetry,
      () => this.base(),
      (entry) => this.record(entry),
      (capability, name, fix) => this.deny(capability, name, fix),
    ));
  }

  toolNames(): string[] {
    return [...toolTableOf(this.pack).keys()];
  }

  async callTool(name: string, args: unknown = {}): Promise<unknown> {
    const { options } = this;
    const label = this.label;
    const tool = toolTableOf(this.pack).get(name);
    if (tool === undefined) throw this.deny('tool', name, `add { name: "${name}" } to capabilities.tools`);
    if (options.toolAccess !== undefined && !options.toolAccess(name)) {
      const error = new AgentryError('AGENTRY_FORBIDDEN_TOOL', `${label}: the tenant's tier may not use tool "${name}"`, {
        hint: 'Allow the tool in the tier of this tenant (governance `tiers`), or call an agent that does not need it.',
        requestId: options.requestId,
      });
      this.record({ ...this.base(), type: 'tool-call', name, durationMs: 0, ok: false, errorCode: error.code });
      throw error;
    }
    const parsed = tool.input.safeParse(args);
    if (!parsed.success) {
      throw new AgentryError('AGENTRY_INVALID_OUTPUT', `task pack ${label} called tool "${name}" with arguments that do not match its declared input`, {
        details: parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message })),
        hint: `Fix the arguments, or the input schema of tool "${name}" in capabilities.tools.`,
        requestId: options.requestId,
      });
    }
    const implementation = this.pick(tool, label);
    if (implementation === undefined) {
      throw this.deny(
        'tool',
        name,
        tool.mcp === undefined
          ? `give the tool an execute function, or give the host a tool provider for "${name}"`
          : `connect the host to the MCP server "${tool.mcp.server}"`,
        'no implementation is available on this host',
      );
    }
    this.toolContext ??= {
      signal: options.signal,
      tenant: options.tenant,
      requestId: options.requestId,
      invocationId: options.invocationId,
      pack: { id: this.pack.id, version: this.pack.version },
      fetch: this.contextFetch!,
    };
    const started = Date.now();
    try {
      const result = await implementation(parsed.data, this.toolContext);
      this.record({ ...this.base(), type: 'tool-call', name, durationMs: Date.now() - started, ok: true });
      return result;
    } catch (error) {
      const normalised = isAgentryError(error)
        ? error
        : options.signal.aborted
          ? toAgentryError(options.signal.reason, 'AGENTRY_CANCELLED', `tool ${name}`)
          : new AgentryError('AGENTRY_UPSTREAM_ERROR', `task pack ${label}: tool "${name}" failed: ${toAgentryError(error).message}`, { cause: error });
      this.record({ ...this.base(), type: 'tool-call', name, durationMs: Date.now() - started, ok: false, errorCode: normalised.code });
      throw normalised;
    }
  }

  private pick(tool: TaskPackTool, label: string): ((args: unknown, context: TaskPackToolContext) => unknown) | undefined {
    const provider = this.options.host.tools;
    if (provider?.provides(tool, label)) return (args, context) => provider.call(tool, args, context);
    return tool.execute;
  }
}
