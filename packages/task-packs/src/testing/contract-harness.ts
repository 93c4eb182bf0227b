import { AgentryError, createLocalModel, createRuntime, toAgentryError, type Middleware, type ModelProvider, type TaskPack } from '@agentry/sdk';
import type { ContractFetch, ContractTool, TaskPackContractOptions } from './contract-types';

/**
 * Where a runtime finds the host services of an invocation. The SDK reads this global symbol
 * (see `taskPackHost`), so the kit lends tools, fetch and a telemetry sink to any copy of it.
 */
const taskPackHostKey = Symbol.for('agentry.task-pack-host');

/** A telemetry record as the runtime reports it (the fields the kit reads). */
export interface ContractRecord {
  type: 'event' | 'metric' | 'tool-call' | 'capability-denied';
  name: string;
  capability?: 'tool' | 'network' | 'model' | 'event' | 'metric';
  message?: string;
  data?: unknown;
}

/** The outcome of running the pack once. */
export interface PackRun {
  ok: boolean;
  output?: unknown;
  /** The streamed text, joined. */
  text: string;
  error?: AgentryError;
  records: ContractRecord[];
}

/** What one run may change. */
export interface RunOptions {
  signal?: AbortSignal;
  /** Replaces the model of the options (the cancellation check lends a stalling one). */
  model?: ModelProvider;
  /** Replaces the fetch of the options. */
  fetch?: ContractFetch;
}

/** Runs `pack` on `input` in a fresh runtime, as a host would, and records everything it reports. */
export async function runPack(pack: TaskPack, input: unknown, options: TaskPackContractOptions, run: RunOptions = {}): Promise<PackRun> {
  const records: ContractRecord[] = [];
  const tools = options.tools ?? {};
  const host: Middleware = {
    name: 'contract-kit-host',
    handle(invocation, next) {
      invocation.state.set(taskPackHostKey, {
        tools: {
          provides: (tool: { name: string }) => Object.hasOwn(tools, tool.name),
          call: async (tool: { name: string }, args: unknown, context: Parameters<ContractTool>[1]) => (tools[tool.name] as ContractTool)(args, context),
        },
        telemetry: (record: ContractRecord) => records.push(record),
        fetch: run.fetch ?? options.fetch ?? refuseNetwork,
      });
      return next(invocation);
    },
  };
  // A pack without its own deadline gets 10 s, so a hanging fixture fails with AGENTRY_TIMEOUT inside the test's timeout.
  const runtime = createRuntime({ packs: [pack], model: run.model ?? modelOf(options), middleware: [host], defaultTimeoutMs: 10_000 });
  let text = '';
  try {
    for await (const event of runtime.stream({ agent: pack.id, version: pack.version, input, tenant: 'contract-kit', ...(run.signal ? { signal: run.signal } : {}) })) {
      if (event.type === 'text-delta') text += event.text;
      if (event.type === 'result') return { ok: true, output: event.result.output, text, records };
    }
    return { ok: false, text, records, error: new AgentryError('AGENTRY_INTERNAL', 'the run ended without a result') };
  } catch (error) {
    return { ok: false, text, records, error: toAgentryError(error) };
  }
}

/** A fresh model for one run. */
export function modelOf(options: TaskPackContractOptions): ModelProvider {
  if (typeof options.model === 'function') return options.model();
  return options.model ?? createLocalModel();
}

const refuseNetwork: ContractFetch = async (input) => {
  const url = input instanceof Request ? input.url : input.toString();
  throw new AgentryError('AGENTRY_CONNECTION_FAILED', `the contract kit does not reach the network (request to ${url})`, {
    hint: 'Pass `fetch` to describeTaskPackContract to answer requests to the declared hosts (a local fake server or a stub).',
    retryable: false,
  });
};
