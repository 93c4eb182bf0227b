import { AgentryError, type ModelProvider, type TaskPack, type TaskPackContext } from '@agentry/sdk';
import { modelOf, runPack } from '../contract-harness';
import type { ContractSession } from '../contract-session';
import type { ContractFailure, ContractFetch } from '../contract-types';

/** Default cap on the time a handler may take to stop, so suites stay fast. */
const defaultBudgetMs = 2_000;

/**
 * Aborting the caller's signal stops the handler within the latency budget: the run ends with
 * AGENTRY_CANCELLED and the handler's own work settles. The model and the network stall until
 * aborted during this run, so a handler that passes `ctx.signal` on is caught mid-flight.
 */
export async function checkCancellation(session: ContractSession): Promise<ContractFailure[] | { skip: string }> {
  const fixture = session.options.fixtures?.find((candidate) => candidate.error === undefined);
  if (fixture === undefined) return { skip: 'no fixture succeeds, so there is nothing to cancel' };
  const budgetMs = Math.min(session.pack.limits?.timeoutMs ?? Infinity, session.options.cancellationBudgetMs ?? defaultBudgetMs);
  const stallLimitMs = budgetMs * 2 + 1_000;
  const controller = new AbortController();
  let settledAt: number | undefined;
  let onSettled!: () => void;
  const settled = new Promise<void>((resolve) => (onSettled = resolve));
  const settle = (): void => {
    settledAt ??= Date.now();
    onSettled();
  };
  let abortedAt: number | undefined;
  const pack = session.pack;
  const watched = Object.freeze({
    ...pack,
    handler(input: unknown, context: TaskPackContext) {
      // Abort once the handler is under way and has reached its first await.
      setTimeout(() => {
        abortedAt = Date.now();
        controller.abort();
      }, 5);
      let returned: unknown;
      try {
        returned = (pack.handler as (input: unknown, context: TaskPackContext) => unknown)(input, context);
      } catch (error) {
        settle();
        throw error;
      }
      if (isAsyncGenerator(returned)) {
        return (async function* () {
          try {
            return yield* returned;
          } finally {
            settle();
          }
        })();
      }
      return Promise.resolve(returned).finally(settle);
    },
  }) as TaskPack;

  const run = await runPack(watched, fixture.input, session.options, {
    signal: controller.signal,
    model: stallingModel(modelOf(session.options), stallLimitMs),
    fetch: stallingFetch(stallLimitMs),
  });
  await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, budgetMs).unref?.())]);
  const failures: ContractFailure[] = [];
  const fix = 'pass ctx.signal to every awaited call (model, fetch, tools) and check ctx.signal.aborted in loops';
  if (!run.ok && run.error?.code !== 'AGENTRY_CANCELLED') {
    failures.push(session.failure('cancellation', `after its signal aborted, fixture "${fixture.name}" ended with ${run.error?.code} instead of AGENTRY_CANCELLED (${run.error?.message})`, fix));
  }
  if (settledAt === undefined) {
    failures.push(session.failure('cancellation', `the handler kept running more than ${budgetMs} ms (its latency budget) after its signal aborted`, fix));
  } else if (abortedAt !== undefined && settledAt - abortedAt > budgetMs) {
    failures.push(session.failure('cancellation', `the handler took ${settledAt - abortedAt} ms to stop after its signal aborted; its budget is ${budgetMs} ms`, fix));
  }
  return failures;
}

function isAsyncGenerator(value: unknown): value is AsyncGenerator<never, unknown, undefined> {
  return typeof value === 'object' && value !== null && typeof (value as AsyncGenerator).next === 'function' && Symbol.asyncIterator in value;
}

/** Resolves `then()` after `limitMs`, or rejects with AGENTRY_CANCELLED as soon as `signal` aborts. */
function stall<T>(signal: AbortSignal | undefined, limitMs: number, then: () => T | Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cancelled = () => new AgentryError('AGENTRY_CANCELLED', 'cancelled while the contract kit stalled the call', { cause: signal?.reason });
    if (signal?.aborted) return reject(cancelled());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      Promise.resolve().then(then).then(resolve, reject);
    }, limitMs);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function stallingModel(model: ModelProvider, limitMs: number): ModelProvider {
  return {
    specificationVersion: 'v1',
    provider: model.provider,
    modelId: model.modelId,
    generate: (request) => stall(request.signal, limitMs, () => model.generate(request)),
    async *stream(request) {
      await stall(request.signal, limitMs, () => undefined);
      yield* model.stream(request);
    },
    ...(model.embed ? { embed: (texts, options) => stall(options?.signal, limitMs, () => model.embed!(texts, options)) } : {}),
  };
}

function stallingFetch(limitMs: number): ContractFetch {
  return (_input, init) =>
    stall(init?.signal ?? undefined, limitMs, () => {
      throw new AgentryError('AGENTRY_CONNECTION_FAILED', 'the contract kit does not reach the network', { retryable: false });
    });
}
