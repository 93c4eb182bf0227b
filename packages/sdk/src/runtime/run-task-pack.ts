import { fetch as undiciFetch } from 'undici';
import { AgentryError, isAgentryError, toAgentryError, type ModelProvider, type Usage } from '../contract';
import { linkAbort } from '../core/linked-abort';
import type { AgentEvent, Invocation } from '../core/invocation';
import type { TaskPack, TaskPackEvent, TaskPackLogger } from '../core/task-pack';
import type { TaskPackFetch } from '../core/task-pack-capabilities';
import { createConcurrencyGate, type ConcurrencyGate } from '../core/task-pack-concurrency';
import { createTaskPackContext } from '../core/task-pack-context';
import { readTaskPackHost } from '../core/task-pack-host';
import { limitModelTokens } from '../core/task-pack-token-limit';
import { createModelMeter, meterModel, type CostFunction } from './metered-model';

/** What the runtime gives every pack it runs. */
export interface PackEnvironment {
  model: ModelProvider;
  costOf: CostFunction;
  logger: TaskPackLogger;
  /** Deadline when the pack declares none. */
  defaultTimeoutMs: number;
  /** The HTTP client behind `ctx.fetch` when no host middleware lends one. @default undici's fetch */
  fetch?: TaskPackFetch;
}

// One gate per environment object, i.e. per runtime, so `limits.maxConcurrency` holds per runtime
// without the runtime having to know about it.
const gates = new WeakMap<PackEnvironment, ConcurrencyGate>();

// undici's fetch speaks the same WHATWG types as the global one; only their TypeScript declarations differ.
const defaultFetch = undiciFetch as unknown as TaskPackFetch;

/**
 * Runs one pack for one invocation: the terminal step of the pipeline. Yields the pack's events,
 * then the invocation's `usage`, then the `result`. Enforces the pack's deadline even when the
 * handler ignores its signal, its `maxConcurrency` and `maxTokens` limits, hands it a context that
 * exposes only its declared capabilities, and checks the output against the pack's own schema.
 *
 * @throws AgentryError `AGENTRY_RATE_LIMITED` when `limits.maxConcurrency` invocations already run.
 */
export async function* runTaskPack(pack: TaskPack, invocation: Invocation, environment: PackEnvironment): AsyncGenerator<AgentEvent> {
  const label = `${pack.id}@${pack.version}`;
  let gate = gates.get(environment);
  if (gate === undefined) gates.set(environment, (gate = createConcurrencyGate()));
  const release = gate.acquire(label, pack.limits?.maxConcurrency, invocation.requestId);
  try {
    yield* runAdmitted(pack, invocation, environment, label);
  } finally {
    release();
  }
}

async function* runAdmitted(pack: TaskPack, invocation: Invocation, environment: PackEnvironment, label: string): AsyncGenerator<AgentEvent> {
  const timeoutMs = pack.limits?.timeoutMs ?? environment.defaultTimeoutMs;
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new AgentryError('AGENTRY_TIMEOUT', `invoke ${label} timed out after ${timeoutMs} ms`, { requestId: invocation.requestId })),
    timeoutMs,
  );
  // One controller linked by a listener: cheaper than AbortSignal.any on this per-call path.
  const unlinkDeadline = linkAbort(deadline, invocation.signal);
  const signal = deadline.signal;
  const meter = createModelMeter();
  let firstEventAt: number | undefined;
  const metered = meterModel(environment.model, meter, signal, environment.costOf);
  const maxTokens = pack.limits?.maxTokens;
  try {
    const returned = pack.handler(
      invocation.input,
      createTaskPackContext(pack, {
        signal,
        model:
          maxTokens === undefined
            ? metered
            : limitModelTokens(metered, { maxTokens, label, used: () => meter.tokens.inputTokens + meter.tokens.outputTokens }),
        requestId: invocation.requestId,
        invocationId: invocation.id,
        tenant: invocation.tenant,
        subject: invocation.subject,
        logger: environment.logger,
        host: readTaskPackHost(invocation),
        defaultFetch: environment.fetch ?? defaultFetch,
      }),
    );
    let output: unknown;
    if (isAsyncGenerator(returned)) {
      try {
        for (;;) {
          const step = await untilAborted(returned.next(), signal);
          if (step.done) {
            output = step.value;
            break;
          }
          firstEventAt ??= Date.now();
          yield checkedEvent(step.value, label);
        }
      } finally {
        // Stops a generator left mid-way (consumer gone, deadline) so its finally blocks run.
        void returned.return(undefined as never).catch(() => {});
      }
    } else {
      // A plain value needs no race against the signal (cheaper on the common synchronous path).
      if (isPromiseLike(returned)) output = await untilAborted(Promise.resolve(returned), signal);
      else if (signal.aborted) throw signal.reason;
      else output = returned;
    }
    const parsed = pack.output.safeParse(output);
    if (!parsed.success) {
      throw new AgentryError('AGENTRY_INVALID_OUTPUT', `invoke ${label} failed: output does not match the pack's output schema`, {
        details: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
        requestId: invocation.requestId,
      });
    }
    const usage: Usage = {
      ...meter.tokens,
      costUsd: meter.costUsd,
      latencyMs: Date.now() - invocation.startedAt,
      modelCalls: meter.calls,
      ...(firstEventAt === undefined ? {} : { timeToFirstEventMs: firstEventAt - invocation.startedAt }),
    };
    yield { type: 'usage', usage };
    yield {
      type: 'result',
      result: {
        id: invocation.id,
        agent: pack.id,
        version: pack.version,
        output: parsed.data,
        usage,
        cache: { hit: false },
        evals: [],
        variant: null,
        requestId: invocation.requestId,
      },
    };
  } catch (error) {
    throw packError(error, signal, label, invocation.requestId);
  } finally {
    clearTimeout(timer);
    unlinkDeadline();
  }
}

function packError(error: unknown, signal: AbortSignal, label: string, requestId: string): AgentryError {
  // The abort reason says why better than whatever the handler threw while being torn down.
  const reason = signal.aborted ? signal.reason : undefined;
  const chosen = isAgentryError(reason) ? reason : isAgentryError(error) ? error : undefined;
  const normalised =
    chosen ??
    (signal.aborted
      ? new AgentryError('AGENTRY_CANCELLED', `invoke ${label} cancelled`, { cause: error })
      : new AgentryError('AGENTRY_HANDLER_FAILED', `invoke ${label} failed: ${toAgentryError(error).message}`, { cause: error }));
  normalised.requestId ??= requestId;
  return normalised;
}

function checkedEvent(event: TaskPackEvent, label: string): AgentEvent {
  if (event?.type === 'text-delta' && typeof event.text === 'string') return { type: 'text-delta', text: event.text };
  if (event?.type === 'tool-call' && typeof event.name === 'string') {
    return { type: 'tool-call', toolCallId: String(event.toolCallId), name: event.name, args: event.args };
  }
  throw new AgentryError('AGENTRY_HANDLER_FAILED', `invoke ${label} failed: the handler yielded an unknown event ${JSON.stringify(event)}`, {
    hint: 'Streaming handlers yield { type: "text-delta", text } or { type: "tool-call", toolCallId, name, args }.',
  });
}

function isAsyncGenerator(value: unknown): value is AsyncGenerator<TaskPackEvent, unknown, undefined> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AsyncGenerator).next === 'function' &&
    typeof (value as AsyncGenerator)[Symbol.asyncIterator] === 'function'
  );
}

/** Settles with `promise`, or rejects as soon as `signal` aborts (for handlers that ignore it). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
