import { fetch as undiciFetch } from 'undici';
import { AgentryError, isAgentryError, toAgentryError, type ModelProvider, type Usage } from '../contract';
import { linkAbort } from '../core/linked-abort';
import type { AgentEvent, Invocation } from '../core/invocation';
import type { TaskPack, TaskPackEvent, TaskPackLogger } from '../core/task-pack';
import type { TaskPackFetch } from '../core/task-pack-capabilities';
import { createConcurrencyGate, type ConcurrencyGate } from '../core/task-pack-concurrency';
import { createTaskPackContext } from '../core/task-pack-context';
import { packLoggerStateKey, type PackLoggerWrapper } from '../core/pack-logger-state';
import { minTierStateKey, toolAccessStateKey, type MinTierCheck, type ToolAccessCheck } from '../core/tool-access';
import { readTaskPackHost } from '../core/task-pack-host';
import { limitModelTokens } from '../core/task-pack-token-limit';
import { createModelMeter, meterModel, type CostFunction, type ModelMeter } from './metered-model';

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
 * Like a generator, nothing runs until the first `next()`.
 *
 * @throws AgentryError `AGENTRY_RATE_LIMITED` when `limits.maxConcurrency` invocations already run.
 */
export function runTaskPack(pack: TaskPack, invocation: Invocation, environment: PackEnvironment): AsyncIterableIterator<AgentEvent> {
  return new TaskPackRun(pack, invocation, environment);
}

const done: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * One run of a pack. A handler that answers synchronously (a plain value) gets no generator, no
 * deadline timer and no abort listener: nothing can interrupt synchronous code, so its two final
 * events are handed out from an array. A promise or an async generator continues in
 * {@link runAsync}, under the deadline.
 */
class TaskPackRun implements AsyncIterableIterator<AgentEvent> {
  private readonly pack: TaskPack;
  private readonly invocation: Invocation;
  private readonly environment: PackEnvironment;
  private started = false;
  private finished = false;
  private release: (() => void) | undefined;
  /** The rest of a run whose handler returned a promise or a generator. */
  private inner: AsyncGenerator<AgentEvent> | undefined;
  /** The final events of a run whose handler answered synchronously. */
  private events: AgentEvent[] | undefined;
  private nextEvent = 0;

  constructor(pack: TaskPack, invocation: Invocation, environment: PackEnvironment) {
    this.pack = pack;
    this.invocation = invocation;
    this.environment = environment;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<AgentEvent> {
    return this;
  }

  next(): Promise<IteratorResult<AgentEvent>> {
    if (this.inner !== undefined) return this.inner.next();
    if (!this.started) {
      this.started = true;
      let inner: AsyncGenerator<AgentEvent> | undefined;
      try {
        inner = this.start();
      } catch (error) {
        this.finish();
        return Promise.reject(error);
      }
      if (inner !== undefined) return (this.inner = inner).next();
    }
    const events = this.events;
    if (events !== undefined && this.nextEvent < events.length) return Promise.resolve({ done: false, value: events[this.nextEvent++]! });
    this.finish();
    return Promise.resolve(done);
  }

  return(): Promise<IteratorResult<AgentEvent>> {
    if (this.inner !== undefined) return this.inner.return(undefined);
    this.started = true;
    this.finish();
    return Promise.resolve(done);
  }

  throw(error: unknown): Promise<IteratorResult<AgentEvent>> {
    if (this.inner !== undefined) return this.inner.throw(error);
    this.started = true;
    this.finish();
    return Promise.reject(error);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.events = undefined;
    this.release?.();
  }

  /** Takes a concurrency slot and calls the handler; sets `events`, or returns the rest of an asynchronous run. */
  private start(): AsyncGenerator<AgentEvent> | undefined {
    const { pack, invocation, environment } = this;
    const label = `${pack.id}@${pack.version}`;
    const { minTier } = pack.capabilities;
    if (minTier !== undefined) {
      // Where a tier is known (governance with `tiers`), a pack above the caller's tier never runs.
      const reaches = invocation.state.get(minTierStateKey) as MinTierCheck | undefined;
      if (reaches !== undefined && !reaches(minTier)) {
        throw new AgentryError('AGENTRY_FORBIDDEN_TOOL', `invoke ${label} refused: the pack needs tier ${minTier} or above, which tenant ${invocation.tenant} does not have`, {
          hint: `Move the tenant to tier ${minTier} or above, or check governance \`tierOrder\` (lowest first).`,
          requestId: invocation.requestId,
        });
      }
    }
    let gate = gates.get(environment);
    if (gate === undefined) gates.set(environment, (gate = createConcurrencyGate()));
    this.release = gate.acquire(label, pack.limits?.maxConcurrency, invocation.requestId);
    const deadline = new PackDeadline(invocation.signal);
    const meter = createModelMeter();
    let returned: unknown;
    try {
      const metered = meterModel(environment.model, meter, deadline.signal, environment.costOf);
      const maxTokens = pack.limits?.maxTokens;
      returned = pack.handler(
        invocation.input,
        createTaskPackContext(pack, {
          signal: deadline.signal,
          model:
            maxTokens === undefined
              ? metered
              : limitModelTokens(metered, { maxTokens, label, used: () => meter.tokens.inputTokens + meter.tokens.outputTokens }),
          requestId: invocation.requestId,
          invocationId: invocation.id,
          tenant: invocation.tenant,
          subject: invocation.subject,
          logger: packLoggerOf(invocation, environment.logger),
          host: readTaskPackHost(invocation),
          defaultFetch: environment.fetch ?? defaultFetch,
          toolAccess: invocation.state.get(toolAccessStateKey) as ToolAccessCheck | undefined,
        }),
      );
      if (isAsyncGenerator(returned) || isPromiseLike(returned)) {
        const timeoutMs = pack.limits?.timeoutMs ?? environment.defaultTimeoutMs;
        deadline.arm(timeoutMs, () => new AgentryError('AGENTRY_TIMEOUT', `invoke ${label} timed out after ${timeoutMs} ms`, { requestId: invocation.requestId }));
        const release = this.release;
        this.release = undefined;
        return runAsync(pack, invocation, returned, deadline, meter, label, release);
      }
      // A synchronous handler could only have been cancelled by an abort it caused itself.
      if (invocation.signal.aborted) throw invocation.signal.reason;
      this.events = finalEvents(pack, invocation, returned, meter, undefined, label);
      return undefined;
    } catch (error) {
      throw packError(error, invocation.signal, label, invocation.requestId);
    }
  }
}

/**
 * The deadline signal handed to the pack. Its controller is made at once (cheap); the listener
 * on the invocation's signal and the timer, which cost more, only once the handler turned out to
 * be asynchronous ({@link arm}). An invocation already cancelled cancels it at once.
 */
class PackDeadline {
  private readonly controller = new AbortController();
  private readonly outer: AbortSignal;
  private readonly startedAt = Date.now();
  private unlink: () => void = noop;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(outer: AbortSignal) {
    this.outer = outer;
    if (outer.aborted) this.controller.abort(outer.reason);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Follows the invocation's signal and starts the timer for what is left of `timeoutMs`. */
  arm(timeoutMs: number, reason: () => unknown): void {
    // One controller linked by a listener: cheaper than AbortSignal.any on this per-call path.
    this.unlink = linkAbort(this.controller, this.outer);
    this.timer = setTimeout(() => this.controller.abort(reason()), Math.max(0, timeoutMs - (Date.now() - this.startedAt)));
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.unlink();
  }
}

function noop(): void {}

/** The rest of a run whose handler returned a promise or an async generator, raced against the deadline. */
async function* runAsync(
  pack: TaskPack,
  invocation: Invocation,
  returned: unknown,
  deadline: PackDeadline,
  meter: ModelMeter,
  label: string,
  release: () => void,
): AsyncGenerator<AgentEvent> {
  const signal = deadline.signal;
  let firstEventAt: number | undefined;
  try {
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
      output = await untilAborted(Promise.resolve(returned), signal);
    }
    for (const event of finalEvents(pack, invocation, output, meter, firstEventAt, label)) yield event;
  } catch (error) {
    throw packError(error, signal, label, invocation.requestId);
  } finally {
    deadline.dispose();
    release();
  }
}

/** The `usage` and `result` events of a run whose output the pack's schema accepts. */
function finalEvents(pack: TaskPack, invocation: Invocation, output: unknown, meter: ModelMeter, firstEventAt: number | undefined, label: string): AgentEvent[] {
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
  return [
    { type: 'usage', usage },
    {
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
    },
  ];
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

/** The logger a pack gets: the runtime's, through whatever wrapper a middleware left (governance redacts). */
function packLoggerOf(invocation: Invocation, logger: TaskPackLogger): TaskPackLogger {
  const wrap = invocation.state.get(packLoggerStateKey) as PackLoggerWrapper | undefined;
  return wrap === undefined ? logger : wrap(logger);
}
