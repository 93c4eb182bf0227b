import { AgentryError, isAgentryError, type InvokeResult } from '../../contract';
import type { AgentEvent, Invocation } from '../../core/invocation';
import type { Middleware, Next } from '../../core/middleware';
import { asCacheHit, asHitEvent, type ReplayClock } from './as-cache-hit';
import { createCacheEntries, type CacheLookup } from './cache-entries';
import { evalsPass, parseCachedRun, type CacheEntry, type CacheGenerations, type CachedRun } from './cache-entry';
import { cacheEntryKey, rememberCacheEntryKey, type CacheTarget } from './cache-key';
import { resolveCacheOptions, type CacheOptions } from './cache-options';
import { emptyCacheStats, type CacheStats } from './cache-stats';
import { deferredEvents } from './deferred-events';
import { createRunRecorder } from './run-recorder';
import { startFlight, type Flight } from './single-flight';

/** The cache: a middleware plus its counters and invalidation. */
export interface CacheMiddleware extends Middleware {
  /** A copy of the counters: hits, misses, coalesced, degraded lookups, ... */
  stats(): CacheStats;
  /**
   * Whether a call would be answered from the store now: its key computed (agent id@version and
   * the canonical JSON of the input), the entry and its generation tokens read in one go and
   * checked. Reads only: counts nothing, grows no lifetime, runs no re-evaluation. A store that
   * fails reads as false, as it would serve a miss.
   */
  has(target: CacheTarget): Promise<boolean>;
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

  const inProcess = resolved.store.inProcess === true;

  function keyOf(target: CacheTarget): string {
    return cacheEntryKey(target, resolved.varyBy === undefined ? undefined : resolved.varyBy(target), inProcess);
  }

  function tagsOf(target: CacheTarget): readonly string[] {
    return resolved.tags === undefined ? noTags : resolved.tags(target);
  }

  function admissible(result: InvokeResult, invocation: Invocation): boolean {
    return evalsPass(result, resolved.requireEvals) && (resolved.admit?.(result, invocation) ?? true);
  }

  /** Whether a hit may be served: always, unless it is sampled for re-evaluation and fails it. */
  async function revalidates(result: InvokeResult, invocation: Invocation): Promise<boolean> {
    try {
      const verdict = await resolved.revalidate!({ result, invocation });
      return typeof verdict === 'boolean' ? verdict : verdict?.pass === true;
    } catch {
      // Like an evaluator that errors: never counts as a pass.
      return false;
    }
  }

  /**
   * Runs the rest of the chain once for `key`; whoever asks for `key` meanwhile joins this run.
   * `stored` settles once the run's entry is written (or refused, or the run failed).
   */
  function lead(
    key: string,
    invocation: Invocation,
    next: Next,
    generations: CacheGenerations | undefined,
    refresh: boolean,
  ): { flight: Flight; stored: Promise<void> } {
    const recorder = createRunRecorder(resolved.maxEvents, admissible, invocation);
    // The run gets its own signal: it stops only when every caller waiting for it has gone.
    const flight = startFlight((signal) => next({ ...invocation, signal }), {
      onAbandon: () => {
        if (flights.get(key) === flight) flights.delete(key);
      },
      onEvent: recorder.record,
    });
    flights.set(key, flight);
    const stored = flight.settled.then(async (outcome): Promise<void> => {
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
        if (flights.get(key) === flight) flights.delete(key);
      }
    });
    // Store failures are counted where they happen; nothing about caching may fail the call.
    return { flight, stored: stored.catch(() => {}) };
  }

  async function* follow(flight: Flight, invocation: Invocation): AsyncGenerator<AgentEvent> {
    try {
      yield* asCacheHit(flight.join(invocation.signal), invocation, now, true);
    } catch (error) {
      throw forFollower(error, invocation);
    }
  }

  /** Picks where a call's events come from: the agent (bypass), a stored entry, a run in progress, or a new run. */
  function open(invocation: Invocation, next: Next): AsyncIterator<AgentEvent> | Promise<AsyncIterator<AgentEvent>> {
    const control = invocation.cache;
    if (control?.bypass === true) {
      stats.bypassed++;
      return next(invocation)[Symbol.asyncIterator]();
    }
    const key = keyOf(invocation);
    const flight = flights.get(key);
    if (flight !== undefined) return join(flight, invocation);
    const lookup = entries.lookup(key, invocation.agent, tagsOf(invocation), control?.refresh !== true);
    return lookup instanceof Promise ? lookup.then((found) => answer(key, found, invocation, next)) : answer(key, lookup, invocation, next);
  }

  /** After the store answered: replay the entry, or run (or join a run that started meanwhile). */
  function answer(key: string, lookup: CacheLookup, invocation: Invocation, next: Next): AsyncIterator<AgentEvent> | Promise<AsyncIterator<AgentEvent>> {
    const run = lookup.entry === undefined ? undefined : parseCachedRun(lookup.entry);
    if (run === undefined) return runOrJoin(key, lookup.generations, invocation, next);
    const sampled = resolved.revalidate !== undefined && resolved.random() < resolved.revalidateRate;
    if (!sampled) return hit(key, lookup.entry!, run, invocation);
    return revalidates(run.result, invocation).then(async (valid) => {
      if (valid) return hit(key, lookup.entry!, run, invocation);
      stats.evicted++;
      await entries.remove(key);
      return runOrJoin(key, lookup.generations, invocation, next);
    });
  }

  function hit(key: string, entry: CacheEntry, run: CachedRun, invocation: Invocation): AsyncIterator<AgentEvent> {
    stats.hits++;
    // An input that hit once tends to hit again: its key is then found without being written.
    rememberCacheEntryKey(key);
    entries.extend(key, entry);
    return replay(run, invocation, now);
  }

  function runOrJoin(key: string, generations: CacheGenerations | undefined, invocation: Invocation, next: Next): AsyncIterator<AgentEvent> {
    // Another identical call may have started a run while this one read the store.
    const flight = flights.get(key);
    if (flight !== undefined) return join(flight, invocation);
    stats.misses++;
    const { flight: run, stored } = lead(key, invocation, next, generations, invocation.cache?.refresh === true);
    // An in-process store writes in a few microtasks: the caller's next identical call then finds
    // the entry. A shared store (Redis) writes in the background instead of adding a round trip
    // to the miss; a call arriving meanwhile joins the finished run.
    return run.join(invocation.signal, inProcess ? stored : undefined);
  }

  function join(flight: Flight, invocation: Invocation): AsyncIterator<AgentEvent> {
    stats.coalesced++;
    return follow(flight, invocation);
  }

  return {
    name: 'cache',
    // Not a generator: the events come straight from the source chosen on the first step.
    handle: (invocation, next) => deferredEvents(() => open(invocation, next)),
    stats: () => ({ ...stats }),
    has(target) {
      let found: boolean | Promise<boolean>;
      let key: string;
      try {
        key = keyOf(target);
        found = entries.found(key, target.agent, tagsOf(target));
      } catch (error) {
        // A target whose input JSON cannot hold (a BigInt) or a throwing varyBy/tags.
        return Promise.reject(error);
      }
      if (typeof found !== 'boolean') {
        return found.then((yes) => {
          if (yes) rememberCacheEntryKey(key);
          return yes;
        });
      }
      if (!found) return resolvedFalse;
      rememberCacheEntryKey(key);
      return resolvedTrue;
    },
    evict: (target) => resolved.store.delete(keyOf(target)),
    invalidateAgent: (agent) => entries.invalidateAgent(agent),
    invalidateTag: (tag) => entries.invalidateTag(tag),
  };
}

const noTags: readonly string[] = Object.freeze([]);

/**
 * The events of a stored run, as a hit: fresh objects from the stored JSON, replayed as they are,
 * each turned into a hit event as it is read (so its latency is measured then).
 */
function replay(run: CachedRun, invocation: Invocation, now: () => number): AsyncIterator<AgentEvent> {
  const clock: ReplayClock = { firstEventAt: undefined };
  let next = 0;
  return {
    next() {
      if (next < run.events.length) return Promise.resolve({ done: false, value: asHitEvent(run.events[next++]!, invocation, now, clock) });
      if (next++ === run.events.length) return Promise.resolve({ done: false, value: asHitEvent({ type: 'result', result: run.result }, invocation, now, clock) });
      return Promise.resolve({ done: true, value: undefined });
    },
    return() {
      next = run.events.length + 1;
      return Promise.resolve({ done: true, value: undefined });
    },
  };
}

// Shared settled answers for synchronous lookups: nothing to allocate per call.
const resolvedTrue = Promise.resolve(true);
const resolvedFalse = Promise.resolve(false);

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
