import { AgentryError, isAgentryError, type InvokeResult } from '../../contract';
import type { AgentEvent, Invocation } from '../../core/invocation';
import type { Middleware, Next } from '../../core/middleware';
import { asCacheHit } from './as-cache-hit';
import { createCacheEntries } from './cache-entries';
import { evalsPass, type CacheGenerations } from './cache-entry';
import { cacheEntryKey, type CacheTarget } from './cache-key';
import { resolveCacheOptions, type CacheOptions } from './cache-options';
import { emptyCacheStats, type CacheStats } from './cache-stats';
import { createRunRecorder } from './run-recorder';
import { startFlight, type Flight } from './single-flight';

/** The cache: a middleware plus its counters and invalidation. */
export interface CacheMiddleware extends Middleware {
  /** A copy of the counters: hits, misses, coalesced, degraded lookups, ... */
  stats(): CacheStats;
  /**
   * Removes the entry of one call.
   * @throws AgentryError `AGENTRY_STORE_UNAVAILABLE` (Redis stores) when the store cannot be reached.
   */
  evict(target: CacheTarget): Promise<void>;
  /** Invalidates every entry of an agent, all versions and tenants (e.g. after changing its prompt or data). */
  invalidateAgent(agent: string): Promise<void>;
  /** Invalidates every entry whose `tags` included `tag`. */
  invalidateTag(tag: string): Promise<void>;
}

/**
 * Caches agent answers, per tenant, keyed by agent id@version and the canonical JSON of the input.
 *
 * - Admits only results whose evals all pass (so place it outside the eval middleware), never
 *   errors, refusals or cancelled runs.
 * - Adaptive lifetime: each hit multiplies an entry's TTL by `ttlGrowth` up to `maxTtlMs`; a
 *   sampled `revalidate` that fails evicts the entry and runs the agent instead.
 * - Single-flight: identical calls in this process while one runs share that run and its events.
 * - `invocation.cache`: `bypass` neither reads nor writes; `refresh` runs and replaces the entry.
 * - A hit replays the original events (text deltas, tool calls, evals) as a stream, with usage
 *   at zero tokens and cost and `cache: { hit: true, savedCostUsd }` on the result.
 * - A failing store (Redis lost) never fails a call: it is a miss, counted in `stats()`.
 *
 * Keep per-caller policies (governance, budget, metering) outside it: they must see every call,
 * and what runs inside is shared by coalesced callers.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` when an option is wrong.
 * @example
 * const cache = cacheMiddleware({ store: createMemoryKeyValueStore(), ttlMs: 60_000, maxTtlMs: 3_600_000 });
 * const runtime = createRuntime({ packs: [summarize], middleware: [meter, cache, evals] });
 * await runtime.invoke({ agent: 'summarize', input, tenant: 'acme' }); // runs
 * await runtime.invoke({ agent: 'summarize', input, tenant: 'acme' }); // hit: cost 0
 */
export function cacheMiddleware(options: CacheOptions): CacheMiddleware {
  const resolved = resolveCacheOptions(options);
  const { now } = resolved;
  const stats = emptyCacheStats();
  const entries = createCacheEntries(resolved, stats);
  const flights = new Map<string, Flight>();

  function keyOf(target: CacheTarget): string {
    return cacheEntryKey(target, resolved.varyBy?.(target));
  }

  function admissible(result: InvokeResult, invocation: Invocation): boolean {
    return evalsPass(result, resolved.requireEvals) && (resolved.admit?.(result, invocation) ?? true);
  }

  async function passesRevalidation(result: InvokeResult, invocation: Invocation): Promise<boolean> {
    if (resolved.revalidate === undefined || resolved.random() >= resolved.revalidateRate) return true;
    try {
      const verdict = await resolved.revalidate({ result, invocation });
      return typeof verdict === 'boolean' ? verdict : verdict?.pass === true;
    } catch {
      // Like an evaluator that errors: never counts as a pass.
      return false;
    }
  }

  /** Runs the rest of the chain once for `key`; whoever asks for `key` meanwhile joins this run. */
  function lead(key: string, invocation: Invocation, next: Next, generations: CacheGenerations | undefined, refresh: boolean): Flight {
    const recorder = createRunRecorder(resolved.maxEvents, (result) => admissible(result, invocation));
    const forget = (): void => {
      if (flights.get(key) === flight) flights.delete(key);
    };
    // The run gets its own signal: it stops only when every caller waiting for it has gone.
    const flight = startFlight((signal) => recorder.wrap(next({ ...invocation, signal })), forget);
    flights.set(key, flight);
    void flight.settled.then(async (outcome) => {
      try {
        if (outcome.failed || outcome.result === undefined) return;
        const runJson = recorder.admittedJson();
        if (runJson === undefined) {
          if (recorder.refused()) stats.refused++;
          // `refresh` asked to replace the entry: one that fails admission must not stay behind.
          if (refresh) await entries.remove(key);
          return;
        }
        if (generations !== undefined) await entries.write(key, invocation.agent, runJson, generations);
      } finally {
        // Kept until written, so a call arriving in between joins the finished run instead of missing.
        forget();
      }
    });
    return flight;
  }

  async function* follow(flight: Flight, invocation: Invocation): AsyncGenerator<AgentEvent> {
    try {
      yield* asCacheHit(flight.join(invocation.signal), invocation, now, true);
    } catch (error) {
      throw forFollower(error, invocation);
    }
  }

  return {
    name: 'cache',
    async *handle(invocation, next) {
      const control = invocation.cache;
      if (control?.bypass === true) {
        stats.bypassed++;
        yield* next(invocation);
        return;
      }
      const key = keyOf(invocation);
      let flight = flights.get(key);
      let generations: CacheGenerations | undefined;
      if (flight === undefined) {
        const lookup = await entries.lookup(key, invocation.agent, resolved.tags?.(invocation) ?? [], control?.refresh !== true);
        if (lookup.found !== undefined) {
          const { entry, run } = lookup.found;
          if (await passesRevalidation(run.result, invocation)) {
            stats.hits++;
            entries.extend(key, entry);
            yield* asCacheHit([...run.events, { type: 'result', result: run.result }], invocation, now, false);
            return;
          }
          stats.evicted++;
          await entries.remove(key);
        }
        generations = lookup.generations;
        // Another identical call may have started a run while this one read the store.
        flight = flights.get(key);
      }
      if (flight !== undefined) {
        stats.coalesced++;
        yield* follow(flight, invocation);
        return;
      }
      stats.misses++;
      yield* lead(key, invocation, next, generations, control?.refresh === true).join(invocation.signal);
    },
    stats: () => ({ ...stats }),
    evict: (target) => resolved.store.delete(keyOf(target)),
    invalidateAgent: (agent) => entries.invalidateAgent(agent),
    invalidateTag: (tag) => entries.invalidateTag(tag),
  };
}

/**
 * A coalesced caller gets the shared run's error as its own: same code and message, its own
 * request id (the original object belongs to the caller that led the run).
 */
function forFollower(error: unknown, invocation: Invocation): unknown {
  if (invocation.signal.aborted && error === invocation.signal.reason) return error;
  if (!isAgentryError(error)) return error;
  return new AgentryError(error.code, error.message, {
    hint: error.hint,
    status: error.status,
    retryable: error.retryable,
    requestId: invocation.requestId,
    details: error.details,
    cause: error,
    ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
    ...(error.providerRequestId === undefined ? {} : { providerRequestId: error.providerRequestId }),
  });
}
