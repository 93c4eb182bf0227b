import { createId } from '../../core/ids';
import { isCacheEntry, isCurrent, type CacheEntry, type CacheGenerations } from './cache-entry';
import { agentGenerationKey, tagGenerationKey } from './cache-key';
import type { ResolvedCacheOptions } from './cache-options';
import type { CacheStats } from './cache-stats';

/** What a lookup found: a current entry, and the generations a run started now must write under. */
export interface CacheLookup {
  /** The entry, when one exists and was written under the current generations; its run is still JSON. */
  entry: CacheEntry | undefined;
  /** Undefined when the store failed: the call runs, and nothing is written. */
  generations: CacheGenerations | undefined;
}

/** The cache's reads and writes. Store failures never escape: they count as degraded and act as a miss. */
export interface CacheEntries {
  /** Synchronous where the store reads synchronously (in process), so a hit skips a turn of the event loop. */
  lookup(key: string, agent: string, tags: readonly string[], readEntry: boolean): CacheLookup | Promise<CacheLookup>;
  /** Whether a current entry exists: {@link CacheEntries.lookup} without the generations a run would need. */
  found(key: string, agent: string, tags: readonly string[]): boolean | Promise<boolean>;
  write(key: string, agent: string, runJson: string, generations: CacheGenerations): Promise<void>;
  /** Grows an entry's lifetime after a hit, in the background. */
  extend(key: string, entry: CacheEntry): void;
  remove(key: string): Promise<void>;
  invalidateAgent(agent: string): Promise<void>;
  invalidateTag(tag: string): Promise<void>;
}

/**
 * Entries are checked against generation tokens rather than deleted one by one: invalidating an
 * agent or a tag replaces one token, and every entry written under the old one stops matching.
 * A token rather than a counter because the key-value interface has no atomic increment, and a
 * fresh random token needs no read-modify-write. A missing token never matches, so a token lost
 * to expiry or eviction can only cause misses, never resurrect an invalidated entry.
 */
export function createCacheEntries(options: ResolvedCacheOptions, stats: CacheStats): CacheEntries {
  const { store } = options;
  // Tag tokens expire (tags can be many); they outlive any entry written under them.
  const tagTokenTtlMs = options.maxTtlMs * 2;

  async function createToken(key: string, ttlMs: number | undefined): Promise<string | undefined> {
    const token = createId('gen');
    return (await store.setIfAbsent(key, token, ttlMs === undefined ? undefined : { ttlMs })) ? token : undefined;
  }

  return {
    lookup(key, agent, tags, readEntry) {
      // `refresh` skips the entry but still needs the tokens its new entry is written under.
      const keys = readEntry ? [key, agentGenerationKey(agent)] : [agentGenerationKey(agent)];
      for (const tag of tags) keys.push(tagGenerationKey(tag));
      try {
        if (store.getManyNow !== undefined) return lookupOf(store.getManyNow(keys), tags, readEntry);
        // One round trip: MGET where the store has it, else the reads go out together (pipelined
        // on one Redis connection).
        const reads = store.getMany !== undefined ? store.getMany(keys) : Promise.all(keys.map((item) => store.get(item)));
        return reads.then(
          (values) => lookupOf(values, tags, readEntry),
          () => degraded(stats),
        );
      } catch {
        return degraded(stats);
      }
    },

    found(key, agent, tags) {
      // The common in-process case (no tags) reads two keys with nothing allocated but the answer.
      if (tags.length === 0 && store.getNow !== undefined) {
        try {
          const stored = store.getNow(key);
          if (!isCacheEntry(stored)) return false;
          const agentToken = store.getNow(agentGenerationKey(agent));
          return typeof agentToken === 'string' && stored.generations.agent === agentToken && !hasOwnKeys(stored.generations.tags);
        } catch {
          degraded(stats);
          return false;
        }
      }
      const lookup = this.lookup(key, agent, tags, true);
      return lookup instanceof Promise ? lookup.then(isFound) : isFound(lookup);
    },

    async write(key, agent, runJson, generations) {
      try {
        // A token missing when the run started is created now; if someone created one meanwhile
        // (possibly an invalidation), this run's answer may be stale: skip it.
        const agentToken = generations.agent ?? (await createToken(agentGenerationKey(agent), undefined));
        if (agentToken === undefined) return;
        const tags: Record<string, string> = {};
        for (const [tag, existing] of Object.entries(generations.tags)) {
          const tagToken = existing ?? (await createToken(tagGenerationKey(tag), tagTokenTtlMs));
          if (tagToken === undefined) return;
          tags[tag] = tagToken;
        }
        const entry: CacheEntry = { v: 1, run: runJson, generations: { agent: agentToken, tags }, ttlMs: options.ttlMs };
        await store.set(key, entry, { ttlMs: options.ttlMs });
        stats.admitted++;
      } catch {
        stats.degradedWrites++;
      }
    },

    extend(key, entry) {
      // Only while growing: a capped entry then expires maxTtlMs after its last growth, which
      // bounds how long any answer is served without being recomputed.
      if (entry.ttlMs >= options.maxTtlMs) return;
      const ttlMs = Math.min(options.maxTtlMs, Math.ceil(entry.ttlMs * options.ttlGrowth));
      const grown = { ...entry, ttlMs };
      try {
        // Only the entry this hit read: one another replica evicted (a failed re-evaluation) or
        // refreshed meanwhile must not come back with a longer life.
        const written = store.replace !== undefined ? store.replace(key, entry, grown, { ttlMs }) : store.set(key, grown, { ttlMs });
        written.catch(() => stats.degradedWrites++);
      } catch {
        stats.degradedWrites++;
      }
    },

    async remove(key) {
      try {
        await store.delete(key);
      } catch {
        stats.degradedWrites++;
      }
    },

    async invalidateAgent(agent) {
      await store.set(agentGenerationKey(agent), createId('gen'));
    },

    async invalidateTag(tag) {
      await store.set(tagGenerationKey(tag), createId('gen'), { ttlMs: tagTokenTtlMs });
    },
  };
}

/** Reads the values of a lookup: the entry (when read) first, then the agent's and each tag's token. */
function lookupOf(values: readonly unknown[], tags: readonly string[], readEntry: boolean): CacheLookup {
  const first = readEntry ? 1 : 0;
  const generations: CacheGenerations = { agent: token(values[first]), tags: {} };
  for (let index = 0; index < tags.length; index++) generations.tags[tags[index]!] = token(values[first + 1 + index]);
  const stored = readEntry ? values[0] : undefined;
  return { entry: isCacheEntry(stored) && isCurrent(stored, generations) ? stored : undefined, generations };
}

function isFound(lookup: CacheLookup): boolean {
  return lookup.entry !== undefined;
}

function hasOwnKeys(record: Record<string, unknown>): boolean {
  for (const key in record) if (Object.hasOwn(record, key)) return true;
  return false;
}

/** A lookup the store failed: a miss that writes nothing. */
function degraded(stats: CacheStats): CacheLookup {
  stats.degradedLookups++;
  return { entry: undefined, generations: undefined };
}

function token(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
