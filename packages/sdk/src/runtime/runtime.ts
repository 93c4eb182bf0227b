import {
  AgentryError,
  finalJobStatuses,
  toAgentryError,
  type AgentManifest,
  type InvokeResult,
  type Job,
  type JobWebhookPayload,
  type ModelProvider,
  type StreamEvent,
} from '../contract';
import { compose } from '../core/compose';
import type { Next } from '../core/middleware';
import { createId } from '../core/ids';
import { linkAbort } from '../core/linked-abort';
import type { AgentEvent, Invocation, InvocationMode } from '../core/invocation';
import { silentLogger } from '../core/logger';
import type { Middleware, RejectedCall } from '../core/middleware';
import type { TaskPack, TaskPackLogger } from '../core/task-pack';
import type { CacheControl } from '../core/types';
import { createCostFunction } from '../providers/cost-function';
import { createLocalModel } from '../providers/local-model';
import { defaultPriceTable } from '../providers/price-table';
import type { KeyValueStore } from '../stores/key-value-store';
import { createMemoryKeyValueStore } from '../stores/memory-key-value-store';
import { assertWebhookTarget } from '../webhooks/webhook-target';
import { createWebhookDelivery, type WebhookDelivery } from '../webhooks/webhook-delivery';
import { createIdempotencyGuard } from './idempotency';
import type { CostFunction } from './metered-model';
import { createPackRegistry } from './pack-registry';
import { runTaskPack } from './run-task-pack';
import { createWorkQueue } from './work-queue';

/** Options of {@link createRuntime}. */
export interface RuntimeOptions {
  /** The task packs to host. */
  packs: readonly TaskPack[];
  /** The model packs reach through `ctx.model`. @default the deterministic local model */
  model?: ModelProvider;
  /** Middleware around every invocation, outermost first. @default [] */
  middleware?: readonly Middleware[];
  /** Prices model usage. @default `createCostFunction(defaultPriceTable)`, warning through `logger` once per model it has no price for */
  costOf?: CostFunction;
  /** Where packs' log lines go. @default silent */
  logger?: TaskPackLogger;
  /** Store for jobs and idempotency records. @default an in-memory store */
  store?: KeyValueStore;
  /** Deadline of one invocation when its pack declares none, in ms. @default 60000 */
  defaultTimeoutMs?: number;
  jobs?: {
    /** Jobs running at once. @default 4 */
    concurrency?: number;
    /** How long a finished job stays readable, in ms. @default 86400000 (24 h) */
    retentionMs?: number;
  };
  webhooks?: {
    /** `whsec_...` secret that signs job webhooks; webhooks are refused when absent. */
    secret?: string;
    /** Allow loopback and private webhook targets (development only). @default false */
    allowPrivateTargets?: boolean;
    /** Delays between delivery retries in ms. @default [1000, 5000, 30000, 120000, 600000] */
    retryDelaysMs?: readonly number[];
  };
  idempotency?: {
    /** How long a key is remembered, in ms. @default 86400000 (24 h) */
    ttlMs?: number;
  };
}

/** One call of an agent, as the runtime receives it from a client or the server. */
export interface RuntimeCall {
  agent: string;
  input: unknown;
  /** Pin an agent version. */
  version?: string;
  /** Tenant the call belongs to. */
  tenant: string;
  subject?: string;
  metadata?: Record<string, string>;
  cache?: CacheControl;
  requestId?: string;
  /** Makes a retried invoke or submit return the first outcome instead of running again. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/**
 * Internal to the SDK (not exported by the package): a caller that made `call.signal` from a
 * controller of its own for this one call (the server, for client disconnects) lends that
 * controller under this key, and the invocation uses it instead of a second controller linked
 * to the first. Ignored unless `controller.signal` is `call.signal`.
 */
export const lentController: unique symbol = Symbol('agentry.lentController');

/** A {@link RuntimeCall} that may lend its signal's controller. */
export interface RuntimeCallWithController extends RuntimeCall {
  [lentController]?: AbortController;
}

/** A call submitted as a job. */
export interface RuntimeJobCall extends RuntimeCall {
  webhook?: { url: string };
}

/** Hosts task packs: runs invocations through the pipeline, queues jobs and delivers their webhooks. */
export interface Runtime {
  /** Manifests of the hosted agents. */
  agents(): AgentManifest[];
  /** Runs a call and yields its events: `start`, the agent's events, `usage`, `result`. Throws AgentryError on failure. */
  stream(call: RuntimeCall): AsyncIterable<StreamEvent>;
  /** Runs a call to completion. */
  invoke(call: RuntimeCall): Promise<InvokeResult>;
  /** Queues a call as a job and returns it at once (status `queued`). */
  submit(call: RuntimeJobCall): Promise<Job>;
  /** Reads a job of the tenant. @throws AGENTRY_JOB_NOT_FOUND */
  getJob(tenant: string, jobId: string): Promise<Job>;
  /** Cancels a queued or running job. @throws AGENTRY_JOB_NOT_FOUND, AGENTRY_JOB_FINISHED */
  cancelJob(tenant: string, jobId: string): Promise<Job>;
  /** False once draining began. */
  readonly accepting: boolean;
  /**
   * Stops accepting work and waits for running invocations, queued jobs and webhook deliveries.
   * Work still running after `timeoutMs` is cancelled with AGENTRY_SHUTTING_DOWN.
   */
  drain(options?: { timeoutMs?: number }): Promise<void>;
}

interface JobRecord {
  tenant: string;
  job: Job;
}

/**
 * Creates the runtime that hosts task packs in-process. The server is an HTTP face of it and the
 * local client calls it directly, so both give the same results and events.
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  const registry = createPackRegistry(options.packs);
  const model = options.model ?? createLocalModel();
  const logger = options.logger ?? silentLogger;
  const environment = {
    model,
    // Priced by default: a runtime on a real provider that metered $0 would pass every budget and
    // cost SLO unnoticed. A model the table lacks is said once, then costs 0.
    costOf:
      options.costOf ??
      createCostFunction(defaultPriceTable, {
        onUnknownModel: (provider, modelId) =>
          logger.warn(`no price for ${provider}:${modelId} in price table ${defaultPriceTable.version}: its calls are metered at $0`, { provider, modelId }),
      }),
    logger,
    defaultTimeoutMs: options.defaultTimeoutMs ?? 60_000,
  };
  const store = options.store ?? createMemoryKeyValueStore({ maxEntries: 100_000 });
  const idempotency = createIdempotencyGuard(store, options.idempotency?.ttlMs ?? 86_400_000);
  const retentionMs = options.jobs?.retentionMs ?? 86_400_000;
  const queue = createWorkQueue(options.jobs?.concurrency ?? 4);
  const shutdown = new AbortController();
  // Each live invocation's controller, so a drain deadline can abort them all and a drain can
  // wait for them. A Set and a waiter list, not a promise per invocation: this is the hot path.
  const liveInvocations = new Set<AbortController>();
  let idleWaiters: Array<() => void> = [];
  const runningJobs = new Map<string, { controller: AbortController; task: () => Promise<void> }>();
  const deliveries = new Set<Promise<unknown>>();
  let webhookDelivery: WebhookDelivery | undefined;
  let accepting = true;

  const pipeline: Next = compose(options.middleware ?? [], (invocation) =>
    runTaskPack(registry.resolve(invocation.agent, invocation.version), invocation, environment),
  );

  function assertAccepting(requestId: string | undefined): void {
    if (!accepting) {
      throw new AgentryError('AGENTRY_SHUTTING_DOWN', 'the runtime is shutting down and accepts no new work', {
        ...(requestId === undefined ? {} : { requestId }),
      });
    }
  }

  function prepare(call: RuntimeCall, mode: InvocationMode, signal: AbortSignal): Invocation {
    const arrivedAt = Date.now();
    const requestId = call.requestId ?? createId('req');
    try {
      const pack = registry.resolve(call.agent, call.version);
      const parsed = pack.input.safeParse(call.input);
      if (!parsed.success) {
        throw new AgentryError('AGENTRY_INVALID_INPUT', `invoke ${pack.id}@${pack.version}: input does not match the input schema`, {
          details: parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message })),
          hint: `Fix the listed paths; the schema is in GET /v1/agents under ${pack.id}.`,
        });
      }
      return {
        id: createId('inv'),
        requestId,
        agent: pack.id,
        version: pack.version,
        input: parsed.data,
        tenant: call.tenant,
        subject: call.subject,
        metadata: call.metadata ?? {},
        mode,
        cache: call.cache,
        signal,
        startedAt: Date.now(),
        state: new Map(),
      };
    } catch (error) {
      const normalised = toAgentryError(error);
      normalised.requestId ??= requestId;
      tellRejected(call, mode, requestId, arrivedAt, normalised);
      throw normalised;
    }
  }

  /** Middleware that count calls (a meter) hear of the ones turned away before the chain. */
  function tellRejected(call: RuntimeCall, mode: InvocationMode, requestId: string, arrivedAt: number, error: AgentryError): void {
    const middleware = options.middleware ?? [];
    if (!middleware.some((item) => item.rejected !== undefined)) return;
    const rejected: RejectedCall = {
      requestId,
      agent: String(call.agent),
      version: call.version ?? '',
      tenant: call.tenant,
      subject: call.subject,
      metadata: call.metadata ?? {},
      mode,
      startedAt: arrivedAt,
    };
    for (const item of middleware) {
      try {
        item.rejected?.(rejected, error);
      } catch {
        // A middleware's bookkeeping never changes the caller's error.
      }
    }
  }

  /** Admits a call and registers its invocation as live; `end` must be called once it is over. */
  function begin(call: RuntimeCall, mode: InvocationMode): { invocation: Invocation; end: () => void } {
    // Jobs were admitted when submitted; a drain lets them finish.
    if (mode !== 'job') assertAccepting(call.requestId);
    const lent = (call as RuntimeCallWithController)[lentController];
    const owned = lent !== undefined && lent.signal === call.signal;
    const controller = owned ? lent : new AbortController();
    const unlink = owned ? noop : linkAbort(controller, call.signal);
    if (shutdown.signal.aborted) controller.abort(shutdown.signal.reason);
    let invocation: Invocation;
    try {
      invocation = prepare(call, mode, controller.signal);
    } catch (error) {
      unlink();
      throw error;
    }
    liveInvocations.add(controller);
    return {
      invocation,
      end() {
        unlink();
        liveInvocations.delete(controller);
        if (liveInvocations.size === 0 && idleWaiters.length > 0) {
          const waiters = idleWaiters;
          idleWaiters = [];
          for (const resolve of waiters) resolve();
        }
      },
    };
  }

  /** Resolves once no invocation is live. */
  function invocationsIdle(): Promise<void> {
    if (liveInvocations.size === 0) return Promise.resolve();
    return new Promise((resolve) => idleWaiters.push(resolve));
  }

  function pipelineError(error: unknown, invocation: Invocation): AgentryError {
    const normalised = toAgentryError(error, 'AGENTRY_INTERNAL', `invoke ${invocation.agent}@${invocation.version}`);
    normalised.requestId ??= invocation.requestId;
    return normalised;
  }

  async function* run(call: RuntimeCall, mode: InvocationMode): AsyncGenerator<StreamEvent> {
    const { invocation, end } = begin(call, mode);
    try {
      yield { type: 'start', id: invocation.id, agent: invocation.agent, version: invocation.version, requestId: invocation.requestId };
      try {
        yield* pipeline(invocation) as AsyncIterable<AgentEvent>;
      } catch (error) {
        throw pipelineError(error, invocation);
      }
    } finally {
      end();
    }
  }

  /**
   * Runs a call to its result. The same steps as `run` without its generator layer and `start`
   * event, which nobody reads here: invoke is the hot path.
   */
  async function collect(call: RuntimeCall, mode: InvocationMode): Promise<InvokeResult> {
    const { invocation, end } = begin(call, mode);
    let result: InvokeResult | undefined;
    try {
      for await (const event of pipeline(invocation)) if (event.type === 'result') result = event.result;
    } catch (error) {
      throw pipelineError(error, invocation);
    } finally {
      end();
    }
    if (result === undefined) {
      throw new AgentryError('AGENTRY_INTERNAL', `invoke ${call.agent}: the pipeline ended without a result`);
    }
    return result;
  }

  async function readJob(tenant: string, jobId: string): Promise<JobRecord> {
    const record = await store.get<JobRecord>(`job:${jobId}`);
    // Another tenant's job answers exactly like a missing one, so ids leak nothing.
    if (record === undefined || record.tenant !== tenant) {
      throw new AgentryError('AGENTRY_JOB_NOT_FOUND', `job ${jobId} not found`);
    }
    return record;
  }

  async function saveJob(record: JobRecord): Promise<void> {
    const final = finalJobStatuses.includes(record.job.status);
    await store.set(`job:${record.job.jobId}`, record, final ? { ttlMs: retentionMs } : {});
  }

  async function updateJob(tenant: string, jobId: string, change: (job: Job) => Job): Promise<Job> {
    const record = await readJob(tenant, jobId);
    const job = change(record.job);
    await saveJob({ tenant, job: { ...job, updatedAt: new Date().toISOString() } });
    return job;
  }

  function deliverWebhook(tenant: string, job: Job): void {
    if (job.webhook === undefined || webhookDelivery === undefined) return;
    const payload: JobWebhookPayload = {
      type: job.status === 'succeeded' ? 'job.succeeded' : job.status === 'failed' ? 'job.failed' : 'job.cancelled',
      timestamp: new Date().toISOString(),
      data: job,
    };
    const delivery = webhookDelivery
      .deliver(job.webhook.url, payload)
      .then(({ delivered, attempts }) =>
        updateJob(tenant, job.jobId, (current) => ({
          ...current,
          webhook: { url: job.webhook!.url, delivery: delivered ? 'delivered' : 'failed', attempts },
        })),
      )
      .catch((error: unknown) => environment.logger.error('webhook delivery failed', { jobId: job.jobId, error: String(error) }))
      .finally(() => deliveries.delete(delivery));
    deliveries.add(delivery);
  }

  async function finishJob(tenant: string, jobId: string, outcome: Pick<Job, 'status' | 'result' | 'error'>): Promise<void> {
    const job = await updateJob(tenant, jobId, (current) => ({ ...current, ...outcome }));
    deliverWebhook(tenant, job);
  }

  function enqueueJob(call: RuntimeJobCall, job: Job): void {
    const controller = new AbortController();
    const task = async (): Promise<void> => {
      if (controller.signal.aborted) {
        // Aborted while still queued (shutdown): record it, never drop it silently.
        const failure = toAgentryError(controller.signal.reason);
        runningJobs.delete(job.jobId);
        await finishJob(call.tenant, job.jobId, { status: 'failed', error: failure.toJSON() });
        return;
      }
      await updateJob(call.tenant, job.jobId, (current) => ({ ...current, status: 'running' }));
      try {
        const result = await collect({ ...call, signal: controller.signal, idempotencyKey: undefined }, 'job');
        await finishJob(call.tenant, job.jobId, { status: 'succeeded', result });
      } catch (error) {
        const failure = toAgentryError(error);
        const cancelled = failure.code === 'AGENTRY_CANCELLED' && controller.signal.aborted;
        await finishJob(call.tenant, job.jobId, { status: cancelled ? 'cancelled' : 'failed', error: failure.toJSON() });
      } finally {
        runningJobs.delete(job.jobId);
      }
    };
    runningJobs.set(job.jobId, { controller, task });
    queue.push(task);
  }

  return {
    agents: () => registry.manifests(),
    stream: (call) => run(call, 'stream'),
    invoke(call) {
      if (call.idempotencyKey === undefined) return collect(call, 'invoke');
      return idempotency.run(
        `invoke:${call.tenant}`,
        call.idempotencyKey,
        { agent: call.agent, version: call.version, input: call.input },
        () => collect(call, 'invoke'),
      );
    },
    async submit(call) {
      assertAccepting(call.requestId);
      // Validate now so a bad job fails the submit, not later on the worker.
      prepare(call, 'job', shutdown.signal);
      if (call.webhook !== undefined) {
        if (options.webhooks?.secret === undefined) {
          throw new AgentryError('AGENTRY_INVALID_REQUEST', 'this runtime has no webhook secret, so it cannot send webhooks', {
            hint: 'Configure `webhooks.secret` (a whsec_... value) on the server or client.',
          });
        }
        await assertWebhookTarget(call.webhook.url, options.webhooks);
        webhookDelivery ??= createWebhookDelivery({
          secret: options.webhooks.secret,
          ...(options.webhooks.allowPrivateTargets === undefined ? {} : { allowPrivateTargets: options.webhooks.allowPrivateTargets }),
          ...(options.webhooks.retryDelaysMs === undefined ? {} : { retryDelaysMs: options.webhooks.retryDelaysMs }),
        });
      }
      const create = async (): Promise<Job> => {
        const now = new Date().toISOString();
        const job: Job = {
          jobId: createId('job'),
          agent: call.agent,
          status: 'queued',
          createdAt: now,
          updatedAt: now,
          ...(call.webhook === undefined ? {} : { webhook: { url: call.webhook.url, delivery: 'pending' as const, attempts: 0 } }),
        };
        await saveJob({ tenant: call.tenant, job });
        enqueueJob(call, job);
        return job;
      };
      if (call.idempotencyKey === undefined) return create();
      const first = await idempotency.run(
        `job:${call.tenant}`,
        call.idempotencyKey,
        { agent: call.agent, version: call.version, input: call.input, webhook: call.webhook?.url },
        create,
      );
      return (await readJob(call.tenant, first.jobId)).job;
    },
    async getJob(tenant, jobId) {
      return (await readJob(tenant, jobId)).job;
    },
    async cancelJob(tenant, jobId) {
      const { job } = await readJob(tenant, jobId);
      if (finalJobStatuses.includes(job.status)) {
        throw new AgentryError('AGENTRY_JOB_FINISHED', `job ${jobId} already ${job.status}`);
      }
      const running = runningJobs.get(jobId);
      const reason = new AgentryError('AGENTRY_CANCELLED', `job ${jobId} cancelled`);
      running?.controller.abort(reason);
      if (running === undefined || queue.remove(running.task)) {
        runningJobs.delete(jobId);
        await finishJob(tenant, jobId, { status: 'cancelled', error: reason.toJSON() });
        return (await readJob(tenant, jobId)).job;
      }
      // A running job settles as cancelled once its handler stops; report that now.
      return { ...job, status: 'cancelled', error: reason.toJSON() };
    },
    get accepting() {
      return accepting;
    },
    async drain(drainOptions) {
      accepting = false;
      const timeoutMs = drainOptions?.timeoutMs ?? 30_000;
      const settled = (async () => {
        await queue.idle();
        await invocationsIdle();
        await Promise.allSettled([...deliveries]);
      })();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        settled.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        const reason = new AgentryError('AGENTRY_SHUTTING_DOWN', 'cancelled: the runtime shut down before the work finished');
        shutdown.abort(reason);
        for (const controller of liveInvocations) controller.abort(reason);
        for (const { controller } of runningJobs.values()) {
          controller.abort(new AgentryError('AGENTRY_SHUTTING_DOWN', 'job cancelled: the runtime shut down before it finished'));
        }
        await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 1_000))]);
      }
      await webhookDelivery?.close();
    },
  };
}

function noop(): void {}
