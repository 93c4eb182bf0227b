import { AgentryError, type InvokeResult } from '../../contract';
import type { Invocation } from '../../core/invocation';
import type { KeyValueStore } from '../../stores/key-value-store';
import type { CacheTarget } from './cache-key';

/** A re-evaluation verdict: a boolean, or anything with `pass` (such as an evaluator's score). */
export type RevalidateVerdict = boolean | { pass: boolean };

/** Options of {@link cacheMiddleware}. */
export interface CacheOptions {
  /** Where entries live: `createMemoryKeyValueStore()` in one process, a Redis store across replicas. */
  store: KeyValueStore;
  /** Lifetime of a new entry, in ms. @default 300000 (5 min) */
  ttlMs?: number;
  /** Lifetime an often-hit entry can grow to, in ms. @default 86400000 (24 h) */
  maxTtlMs?: number;
  /** Factor a hit multiplies an entry's lifetime by, up to `maxTtlMs`. @default 2 */
  ttlGrowth?: number;
  /** Refuse results that carry no evals at all (otherwise an empty list counts as passing). @default false */
  requireEvals?: boolean;
  /** A further admission rule, asked after the evals passed; throwing counts as refusing. @default admit */
  admit?: (result: InvokeResult, invocation: Invocation) => boolean;
  /**
   * Re-evaluates a cached result on a sampled hit, before serving it. A failing (or throwing)
   * verdict evicts the entry and the call runs the agent instead. @default none
   */
  revalidate?: (context: { result: InvokeResult; invocation: Invocation }) => RevalidateVerdict | Promise<RevalidateVerdict>;
  /** Share of hits `revalidate` runs on, 0 to 1. @default 0.1 */
  revalidateRate?: number;
  /** Tags of a call's entry, for `invalidateTag`; derived from the call, so they are known before it runs. @default none */
  tags?: (target: CacheTarget) => readonly string[];
  /** Extra key material, e.g. `(call) => call.subject` to keep entries per end user too. @default none (per tenant) */
  varyBy?: (target: CacheTarget) => string | undefined;
  /** Events a streamed run may have and still be cached. @default 10000 */
  maxEvents?: number;
  /** Clock in epoch milliseconds, injectable for tests. @default Date.now */
  now?: () => number;
  /** Random number in [0, 1) for sampling, injectable for tests. @default Math.random */
  random?: () => number;
}

/** {@link CacheOptions} with defaults filled in and checked once. */
export type ResolvedCacheOptions = Required<Omit<CacheOptions, 'admit' | 'revalidate' | 'tags' | 'varyBy'>> &
  Pick<CacheOptions, 'admit' | 'revalidate' | 'tags' | 'varyBy'>;

/** @throws AgentryError `AGENTRY_INVALID_OPTIONS` naming the bad field. */
export function resolveCacheOptions(options: CacheOptions): ResolvedCacheOptions {
  const store = options?.store;
  if (typeof store?.get !== 'function' || typeof store.set !== 'function' || typeof store.delete !== 'function') {
    throw invalid('store', 'must be a KeyValueStore (createMemoryKeyValueStore() or a Redis store)');
  }
  const ttlMs = options.ttlMs ?? 300_000;
  if (!(Number.isFinite(ttlMs) && ttlMs > 0)) throw invalid('ttlMs', 'must be a positive number of milliseconds');
  const maxTtlMs = options.maxTtlMs ?? Math.max(ttlMs, 86_400_000);
  if (!(Number.isFinite(maxTtlMs) && maxTtlMs >= ttlMs)) throw invalid('maxTtlMs', `must be a number of milliseconds >= ttlMs (${ttlMs})`);
  const ttlGrowth = options.ttlGrowth ?? 2;
  if (!(Number.isFinite(ttlGrowth) && ttlGrowth >= 1)) throw invalid('ttlGrowth', 'must be a number >= 1');
  const revalidateRate = options.revalidateRate ?? 0.1;
  if (!(revalidateRate >= 0 && revalidateRate <= 1)) throw invalid('revalidateRate', 'must be between 0 and 1');
  const maxEvents = options.maxEvents ?? 10_000;
  if (!(Number.isInteger(maxEvents) && maxEvents >= 0)) throw invalid('maxEvents', 'must be a non-negative integer');
  for (const field of ['admit', 'revalidate', 'tags', 'varyBy', 'now', 'random'] as const) {
    if (options[field] !== undefined && typeof options[field] !== 'function') throw invalid(field, 'must be a function');
  }
  return {
    ...options,
    store,
    ttlMs,
    maxTtlMs,
    ttlGrowth,
    revalidateRate,
    maxEvents,
    requireEvals: options.requireEvals ?? false,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
  };
}

function invalid(field: string, problem: string): AgentryError {
  return new AgentryError('AGENTRY_INVALID_OPTIONS', `cacheMiddleware: \`${field}\` ${problem}`);
}
