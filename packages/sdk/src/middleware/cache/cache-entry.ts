import type { InvokeResult } from '../../contract';
import type { AgentEvent } from '../../core/invocation';

/**
 * Generation tokens read when a run starts: the entry it writes is valid only while the agent's
 * and each tag's token are unchanged. `undefined` means no token existed yet.
 */
export interface CacheGenerations {
  agent: string | undefined;
  tags: Record<string, string | undefined>;
}

/** What the store holds per cached answer. */
export interface CacheEntry {
  v: 1;
  /**
   * JSON of {@link CachedRun}. Kept as text so every hit parses fresh objects: a caller mutating
   * its result can never change what the next caller gets, whatever the store.
   */
  run: string;
  generations: { agent: string; tags: Record<string, string> };
  /** Current TTL; a hit grows it up to `maxTtlMs`. */
  ttlMs: number;
}

/** A cached run: the events in order (warnings and the result left out), then the result. */
export interface CachedRun {
  events: AgentEvent[];
  result: InvokeResult;
}

/** True for a value that looks like an entry this version wrote; anything else is a miss. */
export function isCacheEntry(value: unknown): value is CacheEntry {
  const entry = value as CacheEntry | undefined;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    entry.v === 1 &&
    typeof entry.run === 'string' &&
    typeof entry.ttlMs === 'number' &&
    typeof entry.generations?.agent === 'string' &&
    typeof entry.generations.tags === 'object'
  );
}

/** Whether an entry was written under the generations current now; a missing token never matches. */
export function isCurrent(entry: CacheEntry, current: CacheGenerations): boolean {
  if (current.agent === undefined || entry.generations.agent !== current.agent) return false;
  // Counted and compared without building key lists: this runs on every lookup.
  let tags = 0;
  for (const tag in current.tags) {
    if (!Object.hasOwn(current.tags, tag)) continue;
    tags++;
    if (current.tags[tag] === undefined || entry.generations.tags[tag] !== current.tags[tag]) return false;
  }
  let entryTags = 0;
  for (const tag in entry.generations.tags) if (Object.hasOwn(entry.generations.tags, tag)) entryTags++;
  return tags === entryTags;
}

/** Every eval passed (an eval that errored never passes); no evals pass unless they are required. */
export function evalsPass(result: InvokeResult, requireEvals: boolean): boolean {
  if (result.evals.length === 0) return !requireEvals;
  return result.evals.every((score) => score.pass && score.error === undefined);
}

/** The run an entry holds, freshly parsed (so no two callers share objects); undefined when unreadable. */
export function parseCachedRun(entry: CacheEntry): CachedRun | undefined {
  try {
    return JSON.parse(entry.run) as CachedRun;
  } catch {
    return undefined;
  }
}
