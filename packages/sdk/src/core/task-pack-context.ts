import { AgentryError, isAgentryError, toAgentryError, type ModelProvider } from '../contract';
import { capabilityDenied, type TaskPackCapabilityKind } from './task-pack-capability-denied';
import type { TaskPackFetch, TaskPackTool, TaskPackToolContext } from './task-pack-capabilities';
import { createGuardedFetch } from './task-pack-fetch';
import type { TaskPackHost } from './task-pack-host';
import { createPackTelemetry, type TaskPackRecordBase, type TaskPackTelemetryRecord } from './task-pack-telemetry';
import type { TaskPack, TaskPackContext, TaskPackLogger, TaskPackTools } from './task-pack';

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
}

/**
 * Builds the handler's context so it exposes only what the manifest declares: `tools.call` for
 * declared tools, `fetch` for declared hosts, `model` when model use is declared, `telemetry`
 * for declared events and metrics. Every refusal throws AGENTRY_CAPABILITY_DENIED and is also
 * reported to the host's telemetry sink, so a handler that swallows the error is still caught.
 */
export function createTaskPackContext(pack: TaskPack, options: TaskPackContextOptions): TaskPackContext {
  const label = `${pack.id}@${pack.version}`;
  const base = (): TaskPackRecordBase => ({
    pack: label,
    invocationId: options.invocationId,
    requestId: options.requestId,
    tenant: options.tenant,
    at: Date.now(),
  });
  const record = (entry: TaskPackTelemetryRecord): void => {
    try {
      options.host.telemetry?.(entry);
    } catch {
      // A broken sink must not fail the pack's work.
    }
  };
  const deny = (capability: TaskPackCapabilityKind, name: string, fix: string, reason?: string): AgentryError => {
    const error = capabilityDenied({ pack: label, capability, name, fix, ...(reason === undefined ? {} : { reason }) });
    error.requestId = options.requestId;
    record({ ...base(), type: 'capability-denied', capability, name, message: error.message });
    return error;
  };

  const fetch = createGuardedFetch({
    fetch: options.host.fetch ?? options.defaultFetch,
    hosts: pack.capabilities.network.hosts,
    signal: options.signal,
    deny: (url) => deny('network', url.host, `add "${url.hostname}" to capabilities.network.hosts`),
  });
  const toolContext: TaskPackToolContext = {
    signal: options.signal,
    tenant: options.tenant,
    requestId: options.requestId,
    invocationId: options.invocationId,
    pack: { id: pack.id, version: pack.version },
    fetch,
  };
  const toolsByName = new Map(pack.capabilities.tools.map((tool) => [tool.name, tool]));

  async function callTool(name: string, args: unknown = {}): Promise<unknown> {
    const tool = toolsByName.get(name);
    if (tool === undefined) throw deny('tool', name, `add { name: "${name}" } to capabilities.tools`);
    const parsed = tool.input.safeParse(args);
    if (!parsed.success) {
      throw new AgentryError('AGENTRY_INVALID_OUTPUT', `task pack ${label} called tool "${name}" with arguments that do not match its declared input`, {
        details: parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message })),
        hint: `Fix the arguments, or the input schema of tool "${name}" in capabilities.tools.`,
        requestId: options.requestId,
      });
    }
    const implementation = pick(tool);
    if (implementation === undefined) {
      throw deny(
        'tool',
        name,
        tool.mcp === undefined
          ? `give the tool an execute function, or give the host a tool provider for "${name}"`
          : `connect the host to the MCP server "${tool.mcp.server}"`,
        'no implementation is available on this host',
      );
    }
    const started = Date.now();
    try {
      const result = await implementation(parsed.data, toolContext);
      record({ ...base(), type: 'tool-call', name, durationMs: Date.now() - started, ok: true });
      return result;
    } catch (error) {
      const normalised = isAgentryError(error)
        ? error
        : options.signal.aborted
          ? toAgentryError(options.signal.reason, 'AGENTRY_CANCELLED', `tool ${name}`)
          : new AgentryError('AGENTRY_UPSTREAM_ERROR', `task pack ${label}: tool "${name}" failed: ${toAgentryError(error).message}`, { cause: error });
      record({ ...base(), type: 'tool-call', name, durationMs: Date.now() - started, ok: false, errorCode: normalised.code });
      throw normalised;
    }
  }

  function pick(tool: TaskPackTool): ((args: unknown, context: TaskPackToolContext) => unknown) | undefined {
    const provider = options.host.tools;
    if (provider?.provides(tool, label)) return (args, context) => provider.call(tool, args, context);
    return tool.execute;
  }

  const tools: TaskPackTools = {
    call: callTool as TaskPackTools['call'],
    names: () => [...toolsByName.keys()],
  };
  const telemetry = createPackTelemetry(pack.telemetry, base, record, (capability, name, fix) => deny(capability, name, fix));

  const context = {
    signal: options.signal,
    requestId: options.requestId,
    invocationId: options.invocationId,
    tenant: options.tenant,
    subject: options.subject,
    logger: options.logger,
    tools,
    fetch,
    telemetry,
  } as Omit<TaskPackContext, 'model'> as TaskPackContext;
  // Undeclared, `model` is a non-enumerable getter that refuses, so `{ ...ctx }` still works and drops it.
  Object.defineProperty(
    context,
    'model',
    pack.capabilities.model
      ? { enumerable: true, value: options.model }
      : { enumerable: false, get: () => { throw deny('model', 'model', 'set capabilities.model to true'); } },
  );
  return Object.freeze(context);
}
