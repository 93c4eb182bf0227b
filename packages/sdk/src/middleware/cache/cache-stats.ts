/** Counters of a cache middleware since it was created. */
export interface CacheStats {
  /** Calls answered from the store. */
  hits: number;
  /** Calls that ran the agent (no current entry, or `refresh`). */
  misses: number;
  /** Calls that joined an identical run already in progress in this process (single-flight). */
  coalesced: number;
  /** Calls with `cache.bypass`: neither read nor written. */
  bypassed: number;
  /** Results written to the store. */
  admitted: number;
  /** Results not written: an eval failed or errored, `admit` said no, or the stream was too long. */
  refused: number;
  /** Entries removed because their re-evaluation failed. */
  evicted: number;
  /** Lookups the store failed; each was served as a miss. */
  degradedLookups: number;
  /** Writes (admissions, TTL growth, evictions) the store failed; the calls were not affected. */
  degradedWrites: number;
}

export function emptyCacheStats(): CacheStats {
  return { hits: 0, misses: 0, coalesced: 0, bypassed: 0, admitted: 0, refused: 0, evicted: 0, degradedLookups: 0, degradedWrites: 0 };
}
