import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json';

/** What identifies a cached answer: an invocation satisfies it, and so does a hand-made value for `evict`. */
export interface CacheTarget {
  readonly tenant: string;
  readonly agent: string;
  /** The resolved agent version: a new version never reads an older version's entries. */
  readonly version: string;
  readonly input: unknown;
  readonly subject?: string | undefined;
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * The store key of an entry: the tenant in clear (so an operator can find a tenant's entries) and
 * a SHA-256 of tenant, agent, version, the `varyBy` value and the canonical JSON of the input, so
 * equal inputs built with different key orders share an entry and no two tenants ever do.
 */
export function cacheEntryKey(target: CacheTarget, vary: string | undefined): string {
  const material = `${JSON.stringify([target.tenant, target.agent, target.version, vary ?? null])}\n${canonicalJson(target.input)}`;
  return `cache:e:${encodeURIComponent(target.tenant)}:${createHash('sha256').update(material).digest('base64url')}`;
}

/** Key of an agent's generation token; replacing the token invalidates every entry of the agent. */
export function agentGenerationKey(agent: string): string {
  return `cache:g:${agent}`;
}

/** Key of a tag's generation token; replacing the token invalidates every entry carrying the tag. */
export function tagGenerationKey(tag: string): string {
  return `cache:t:${encodeURIComponent(tag)}`;
}
