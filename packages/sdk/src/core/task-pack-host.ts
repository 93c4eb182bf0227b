import type { Invocation } from './invocation';
import type { Middleware } from './middleware';
import type { TaskPackFetch, TaskPackTool, TaskPackToolContext } from './task-pack-capabilities';
import type { TaskPackTelemetrySink } from './task-pack-telemetry';

/**
 * Implementations of declared tools supplied by the host (local functions, an MCP server, a
 * sandbox). When it `provides` a tool, it is used instead of the pack's own `execute`.
 */
export interface TaskPackToolProvider {
  /** Whether this provider implements `tool` for `pack` (`id@version`). */
  provides(tool: TaskPackTool, pack: string): boolean;
  /** Runs the tool with arguments already checked against its input schema. */
  call(tool: TaskPackTool, args: unknown, context: TaskPackToolContext): Promise<unknown>;
}

/**
 * What the host lends a pack for one invocation besides the model: tool implementations, the
 * telemetry sink and the HTTP client behind `ctx.fetch`. Attach it with {@link taskPackHost}.
 */
export interface TaskPackHost {
  /** Tool implementations; tried before a tool's own `execute`. @default none */
  tools?: TaskPackToolProvider;
  /** Receives the pack's events, metrics, tool calls and refused capabilities. @default dropped */
  telemetry?: TaskPackTelemetrySink;
  /** The HTTP client under `ctx.fetch` (still limited to declared hosts). @default undici's fetch */
  fetch?: TaskPackFetch;
}

/**
 * Where the host services live on an invocation. A global symbol, so middleware from another copy
 * of the SDK (the contract kit, a plugin) attaches services the runtime finds.
 */
export const taskPackHostKey: unique symbol = Symbol.for('agentry.task-pack-host') as never;

/** The host services attached to `invocation`, merged over all {@link taskPackHost} middleware. */
export function readTaskPackHost(invocation: Pick<Invocation, 'state'>): TaskPackHost {
  return (invocation.state.get(taskPackHostKey) as TaskPackHost | undefined) ?? {};
}

/**
 * Middleware that lends host services to the packs below it. Several compose: an inner provider
 * is asked before an outer one, every telemetry sink receives every record, the innermost fetch wins.
 *
 * @example
 * createRuntime({ packs, middleware: [taskPackHost({ telemetry: (record) => metrics.observe(record) })] });
 */
export function taskPackHost(host: TaskPackHost | ((invocation: Invocation) => TaskPackHost)): Middleware {
  return {
    name: 'task-pack-host',
    handle(invocation, next) {
      const outer = readTaskPackHost(invocation);
      const inner = typeof host === 'function' ? host(invocation) : host;
      invocation.state.set(taskPackHostKey, mergeHosts(outer, inner));
      return next(invocation);
    },
  };
}

function mergeHosts(outer: TaskPackHost, inner: TaskPackHost): TaskPackHost {
  const tools: TaskPackToolProvider | undefined =
    outer.tools && inner.tools
      ? {
          provides: (tool, pack) => inner.tools!.provides(tool, pack) || outer.tools!.provides(tool, pack),
          call: (tool, args, context) =>
            (inner.tools!.provides(tool, context.pack.id + '@' + context.pack.version) ? inner.tools! : outer.tools!).call(tool, args, context),
        }
      : (inner.tools ?? outer.tools);
  const telemetry: TaskPackTelemetrySink | undefined =
    outer.telemetry && inner.telemetry
      ? (record) => {
          outer.telemetry!(record);
          inner.telemetry!(record);
        }
      : (inner.telemetry ?? outer.telemetry);
  const fetch = inner.fetch ?? outer.fetch;
  return { ...(tools ? { tools } : {}), ...(telemetry ? { telemetry } : {}), ...(fetch ? { fetch } : {}) };
}

/** Tool provider from plain functions keyed by tool name, for hosts and tests. */
export function toolProviderFromFunctions(
  implementations: Record<string, (args: unknown, context: TaskPackToolContext) => unknown>,
): TaskPackToolProvider {
  return {
    provides: (tool) => Object.hasOwn(implementations, tool.name),
    call: async (tool, args, context) => implementations[tool.name]!(args, context),
  };
}
