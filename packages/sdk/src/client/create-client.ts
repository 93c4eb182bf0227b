import type { z } from 'zod';
import { AgentryError, type AgentManifest, type InvokeResult, type StreamEvent } from '../contract';
import { compose } from '../core/compose';
import { createId } from '../core/ids';
import type { AgentEvent, Invocation, InvocationMode } from '../core/invocation';
import type { Middleware } from '../core/middleware';
import { isTaskPack, type TaskPack } from '../core/task-pack';
import { createRuntime, type Runtime, type RuntimeOptions } from '../runtime/runtime';
import { createHttpTransport } from '../transports/http/http-transport';
import type { HttpTransportOptions } from '../transports/http/http-transport-options';
import { createLocalTransport } from '../transports/local/local-transport';
import type { ClientTransport, TransportCall } from '../transports/transport';
import { createAgentStream, type AgentStream } from './agent-stream';
import type { CallOptions, SubmitOptions } from './call-options';
import { createJobHandle, type JobHandle } from './job-handle';

/** A client of an Agentry server over HTTP. */
export interface RemoteClientOptions extends HttpTransportOptions {
  /** Middleware run in this process around every call, outermost first. @default [] */
  middleware?: readonly Middleware[];
}

/** A client that runs packs in this process: the embedded default, no server needed. */
export interface LocalClientOptions extends RuntimeOptions {
  /** Tenant all calls of this client belong to. @default 'local' */
  tenant?: string;
}

/** A client over an existing runtime (shared by several clients or a server). */
export interface RuntimeClientOptions {
  runtime: Runtime;
  /** @default 'local' */
  tenant?: string;
}

export type ClientOptions = RemoteClientOptions | LocalClientOptions | RuntimeClientOptions;

type InputOf<Agent> = Agent extends TaskPack<infer Input, z.ZodType> ? z.input<Input> : unknown;
type OutputOf<Agent, Fallback> = Agent extends TaskPack<z.ZodType, infer Output> ? z.output<Output> : Fallback;

/** The Agentry client: one API whether agents run in-process or behind a server. */
export interface AgentryClient {
  /**
   * Runs an agent and resolves with its result. Pass a TaskPack instead of an id for typed input and output.
   * @throws AgentryError with a catalogue code on any failure.
   * @example const { output } = await client.invoke('echo', { text: 'hi' });
   */
  invoke<Output = unknown, Agent extends string | TaskPack = string>(
    agent: Agent,
    input: InputOf<Agent>,
    options?: CallOptions,
  ): Promise<InvokeResult<OutputOf<Agent, Output>>>;
  /** Runs an agent and streams its events; see {@link AgentStream}. */
  stream<Output = unknown, Agent extends string | TaskPack = string>(
    agent: Agent,
    input: InputOf<Agent>,
    options?: CallOptions,
  ): AgentStream<OutputOf<Agent, Output>>;
  /** Queues the call as a job and returns its handle once the host accepted it. */
  submit<Output = unknown, Agent extends string | TaskPack = string>(
    agent: Agent,
    input: InputOf<Agent>,
    options?: SubmitOptions,
  ): Promise<JobHandle<OutputOf<Agent, Output>>>;
  /** A handle on an existing job. */
  job<Output = unknown>(jobId: string): JobHandle<Output>;
  /** Manifests of the agents the host offers. */
  agents(options?: { signal?: AbortSignal }): Promise<AgentManifest[]>;
  /** Where calls go. */
  readonly transport: 'local' | 'http';
  /** Releases resources; an in-process client drains its runtime (waits for running jobs). */
  close(): Promise<void>;
}

/**
 * Creates a client. With `baseUrl` it talks agentry.v1 to a server; with `packs` (or `runtime`)
 * it runs agents in this process through the same pipeline, with the same results and events.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` when neither `baseUrl`, `packs` nor `runtime` is given, or one is malformed.
 * @example
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8787', apiKey: process.env.AGENTRY_API_KEY });
 * const local = createClient({ packs: [echoPack] });
 */
export function createClient(options: ClientOptions): AgentryClient {
  const { transport, middleware } = chooseTransport(options);
  const chain =
    middleware.length === 0 ? undefined : createClientChain(transport, middleware);

  function toCall(agent: string | TaskPack, input: unknown, options: CallOptions | undefined): TransportCall {
    const id = typeof agent === 'string' ? agent : agentId(agent);
    const call: TransportCall = {
      agent: id,
      input,
      requestId: options?.requestId ?? createId('req'),
      idempotencyKey: options?.idempotencyKey ?? createId('idk'),
    };
    // Only the options given, as own properties (no empty object spread per call).
    if (options !== undefined) {
      if (options.version !== undefined) call.version = options.version;
      if (options.subject !== undefined) call.subject = options.subject;
      if (options.metadata !== undefined) call.metadata = options.metadata;
      if (options.cache !== undefined) call.cache = options.cache;
      if (options.signal !== undefined) call.signal = options.signal;
    }
    return call;
  }

  return {
    transport: transport.kind,
    async invoke(agent, input, options) {
      const call = toCall(agent, input, options);
      if (chain === undefined) return (await transport.invoke(call)) as never;
      let result: InvokeResult | undefined;
      for await (const event of chain(call, 'invoke')) if (event.type === 'result') result = event.result;
      if (result === undefined) throw new AgentryError('AGENTRY_INTERNAL', `invoke ${call.agent}: the middleware chain ended without a result`);
      return result as never;
    },
    stream(agent, input, options) {
      const call = toCall(agent, input, options);
      return createAgentStream(() => (chain === undefined ? transport.stream(call) : batchesOf(chain(call, 'stream'))), `stream ${call.agent}`);
    },
    async submit(agent, input, options) {
      const call = toCall(agent, input, options);
      const job = await transport.submit({ ...call, ...(options?.webhook === undefined ? {} : { webhook: options.webhook }) });
      return createJobHandle(transport, job.jobId);
    },
    job: (jobId) => createJobHandle(transport, jobId),
    agents: (options) => transport.agents(options?.signal),
    close: () => transport.close(),
  };
}

function chooseTransport(options: ClientOptions): { transport: ClientTransport; middleware: readonly Middleware[] } {
  if (options === null || typeof options !== 'object') throw missingTarget();
  if ('baseUrl' in options && options.baseUrl !== undefined) {
    return { transport: createHttpTransport(options), middleware: options.middleware ?? [] };
  }
  if ('runtime' in options && options.runtime !== undefined) {
    return { transport: createLocalTransport(options.runtime, options.tenant ?? 'local', false), middleware: [] };
  }
  if ('packs' in options && options.packs !== undefined) {
    // In-process, middleware belong to the runtime, so jobs run the same chain on the worker.
    return { transport: createLocalTransport(createRuntime(options), options.tenant ?? 'local', true), middleware: [] };
  }
  throw missingTarget();
}

/**
 * Client-side middleware around a remote transport. The server's `start` event is passed
 * through ahead of the chain's events; a chain that answers without calling the server (a cache
 * hit) gets a `start` made from its result.
 */
function createClientChain(transport: ClientTransport, middleware: readonly Middleware[]) {
  return async function* run(call: TransportCall, mode: InvocationMode): AsyncGenerator<StreamEvent> {
    let start: StreamEvent | undefined;
    let startSent = false;
    const next = compose(middleware, async function* terminal(invocation): AsyncGenerator<AgentEvent> {
      const effective = callOf(call, invocation);
      if (mode === 'invoke') {
        const result = await transport.invoke(effective);
        yield { type: 'usage', usage: result.usage };
        yield { type: 'result', result };
        return;
      }
      for await (const batch of transport.stream(effective)) {
        for (const event of batch) {
          if (event.type === 'start') start = event;
          else yield event as AgentEvent;
        }
      }
    });
    const invocation: Invocation = {
      id: createId('inv'),
      requestId: call.requestId,
      agent: call.agent,
      version: call.version ?? '',
      input: call.input,
      tenant: 'remote',
      subject: call.subject,
      metadata: call.metadata ?? {},
      mode,
      cache: call.cache,
      signal: call.signal ?? new AbortController().signal,
      startedAt: Date.now(),
      state: new Map(),
    };
    // Events a middleware yields before the server answers (a budget warning) wait for the server's
    // start; a chain that answers without the server (a cache hit) waits for its result. Either
    // way `start` names the invocation and version the result carries.
    const held: StreamEvent[] = [];
    for await (const event of next(invocation)) {
      if (!startSent && mode === 'stream') {
        if (start === undefined && event.type !== 'result') {
          held.push(event);
          continue;
        }
        startSent = true;
        // Without the server's start this is the result: every other event was held above.
        yield start ?? startOf((event as Extract<StreamEvent, { type: 'result' }>).result, call.requestId);
        yield* held;
      }
      yield event;
    }
  };
}

/**
 * The call the server gets: what the chain made of the invocation. A client middleware may rewrite
 * the input, subject, metadata, pinned version or cache control, and hands its own signal down (a
 * shared cache run cancels the request when every caller has gone); ids stay the caller's.
 */
function callOf(call: TransportCall, invocation: Invocation): TransportCall {
  const effective: TransportCall = { ...call, input: invocation.input, signal: invocation.signal };
  if (invocation.version !== '') effective.version = invocation.version;
  else delete effective.version;
  if (invocation.subject !== undefined) effective.subject = invocation.subject;
  else delete effective.subject;
  if (call.metadata !== undefined || Object.keys(invocation.metadata).length > 0) effective.metadata = invocation.metadata;
  if (invocation.cache !== undefined) effective.cache = invocation.cache;
  else delete effective.cache;
  return effective;
}

function startOf(result: InvokeResult, requestId: string): StreamEvent {
  return { type: 'start', id: result.id, agent: result.agent, version: result.version, requestId };
}

async function* batchesOf(events: AsyncIterable<StreamEvent>): AsyncGenerator<readonly StreamEvent[]> {
  for await (const event of events) yield [event];
}

function agentId(pack: TaskPack): string {
  if (!isTaskPack(pack)) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', 'the agent must be an agent id string or a TaskPack made by defineTaskPack');
  }
  return pack.id;
}

function missingTarget(): AgentryError {
  return new AgentryError('AGENTRY_INVALID_OPTIONS', 'createClient: pass `baseUrl` (a server), `packs` (run in-process) or `runtime`', {
    hint: "createClient({ baseUrl: 'http://127.0.0.1:8787', apiKey }) or createClient({ packs: [myPack] })",
  });
}
