import { hash } from 'node:crypto';
import { canonicalJson, isCanonicalAsIs } from '../../core/canonical-json';
import { createRememberedKeys } from './remembered-keys';

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

/** Longest input JSON an in-process store keys by as is; a longer one is hashed, to bound the key's memory. */
const maxTextKeyLength = 512;

/**
 * The store key of an entry, from tenant, agent, version, the `varyBy` value and the canonical
 * JSON of the input, so equal inputs built with different key orders share an entry and no two
 * tenants ever do. A shared store (Redis) gets the tenant in clear (so an operator can find a
 * tenant's entries) and a SHA-256 of the rest: keys stay short whatever the input. An in-process
 * store keeps a short key as text: hashing would cost more than the lookup it serves.
 */
export function cacheEntryKey(target: CacheTarget, vary: string | undefined, inProcess = false): string {
  const { tenant, agent, version } = target;
  // The key of an input that hit is remembered (see remembered-keys.ts): its next lookups skip
  // the serialising below. The namespace number names tenant, agent, version and vary.
  const namespace = namespaceOf(tenant, agent, version, vary);
  const canonical = isCanonicalAsIs(target.input, 0);
  const remembered = inProcess ? rememberedTextKeys : rememberedHashedKeys;
  const known = canonical ? remembered.find(namespace, target.input) : undefined;
  if (known !== undefined) return known;
  if (inProcess) {
    // The namespace number and the input's JSON in one array: unambiguous, short, and, when the
    // input is already canonical, made by a single JSON.stringify, so the key is a flat string
    // (a concatenated one costs the Map lookup more than building it did). Hashed keys never
    // start with '['.
    const key = canonical ? JSON.stringify([namespace, target.input]) : `[${namespace},${canonicalJson(target.input)}]`;
    if (key.length <= maxTextKeyLength) return key;
  }
  const inputJson = canonicalJson(target.input);
  const material = `${JSON.stringify([tenant, agent, version, vary ?? null])}\n${inputJson}`;
  if (material.length > maxTextKeyLength) return hashedKey(tenant, material);
  // Hot keys (the ones that hit) come back again and again: their digest is remembered.
  let key = recentKeys.get(material);
  if (key === undefined) {
    key = hashedKey(tenant, material);
    if (recentKeys.size >= maxRecentKeys) recentKeys.delete(recentKeys.keys().next().value!);
    recentKeys.set(material, key);
  }
  // What the key was made from, as it was now: remembering it later (after the store answered)
  // must not read the target again, which its owner may have changed meanwhile. Written only
  // when new (or renumbered): a hot key's lookups then cost one read here, not a write.
  const origin = hashedKeyOrigins.get(key);
  if (origin === undefined || origin.namespace !== namespace) {
    if (origin === undefined && hashedKeyOrigins.size >= maxRecentKeys) hashedKeyOrigins.delete(hashedKeyOrigins.keys().next().value!);
    hashedKeyOrigins.set(key, { namespace, inputJson });
  }
  return key;
}

/**
 * Remembers a key whose lookup found an entry, so the next lookups of an equal input find it
 * without writing it. Everything comes from what the key was made of when it was made (a text
 * key holds its namespace and input; a hashed key's origin was noted then), never from the
 * target, which may have changed while the store answered. One Map lookup when remembered already.
 */
export function rememberCacheEntryKey(key: string): void {
  const text = isTextKey(key);
  const remembered = text ? rememberedTextKeys : rememberedHashedKeys;
  if (remembered.has(key)) return;
  try {
    if (text) {
      const [namespace, copy] = JSON.parse(key) as [number, unknown];
      if (typeof namespace === 'number') remembered.remember(key, namespace, copy);
      return;
    }
    const origin = hashedKeyOrigins.get(key);
    if (origin !== undefined) remembered.remember(key, origin.namespace, JSON.parse(origin.inputJson));
  } catch {
    // Not a key this module made: nothing to remember.
  }
}

/** The namespace and canonical input JSON each recent hashed key was made from; bounded like recentKeys. */
const hashedKeyOrigins = new Map<string, { namespace: number; inputJson: string }>();

/** In-process text keys and shared (hashed) keys are remembered apart: one namespace has both. */
const rememberedTextKeys = createRememberedKeys();
const rememberedHashedKeys = createRememberedKeys();

/** How many keys are remembered (tests). */
export function rememberedKeyCount(): number {
  return rememberedTextKeys.size + rememberedHashedKeys.size;
}

/** Forgets every remembered key (tests). */
export function forgetRememberedKeys(): void {
  rememberedTextKeys.clear();
  rememberedHashedKeys.clear();
  hashedKeyOrigins.clear();
}

/**
 * Process-wide numbers of in-process key namespaces: tenant → agent → version → vary. Looking up
 * these short strings (whose hashes V8 keeps) costs less than writing and hashing them into every
 * key. Numbers are never reused, even after the registry is cleared to bound its memory: a
 * cleared namespace gets a new number, so its old entries can only be missed, never served to
 * another namespace.
 */
const namespaces = new Map<string, Map<string, Map<string, Map<string | undefined, number>>>>();
let namespaceCount = 0;
let nextNamespace = 0;
const maxNamespaces = 100_000;

// The last namespace looked up: calls tend to come in runs of one tenant and agent.
let last = { tenant: '', agent: '', version: '', vary: undefined as string | undefined, namespace: -1 };

function namespaceOf(tenant: string, agent: string, version: string, vary: string | undefined): number {
  if (last.namespace !== -1 && tenant === last.tenant && agent === last.agent && version === last.version && vary === last.vary) {
    return last.namespace;
  }
  const namespace = registeredNamespace(tenant, agent, version, vary);
  last = { tenant, agent, version, vary, namespace };
  return namespace;
}

function registeredNamespace(tenant: string, agent: string, version: string, vary: string | undefined): number {
  let agents = namespaces.get(tenant);
  if (agents === undefined) namespaces.set(tenant, (agents = new Map()));
  let versions = agents.get(agent);
  if (versions === undefined) agents.set(agent, (versions = new Map()));
  let varies = versions.get(version);
  if (varies === undefined) versions.set(version, (varies = new Map()));
  let namespace = varies.get(vary);
  if (namespace === undefined) {
    if (namespaceCount >= maxNamespaces) {
      namespaces.clear();
      namespaceCount = 0;
      return registeredNamespace(tenant, agent, version, vary);
    }
    namespace = nextNamespace++;
    namespaceCount++;
    varies.set(vary, namespace);
  }
  return namespace;
}

/** Whether a key is an in-process text key (it holds its namespace and input) rather than a hashed one. */
export function isTextKey(key: string): boolean {
  return key.charCodeAt(0) === 91; // '['
}

function hashedKey(tenant: string, material: string): string {
  return `cache:e:${encodeURIComponent(tenant)}:${hash('sha256', material, 'base64url')}`;
}

/** Hashed keys of recently seen short materials, oldest first; bounded so unique inputs cannot grow it. */
const recentKeys = new Map<string, string>();
const maxRecentKeys = 1_000;

// Generation keys are read on every lookup: built once per name rather than per call.
const agentKeys = new Map<string, string>();

/** Key of an agent's generation token; replacing the token invalidates every entry of the agent. */
export function agentGenerationKey(agent: string): string {
  // Calls come in runs of one agent: the last answer is kept in front of the map.
  if (agent === lastAgent.agent) return lastAgent.key;
  let key = agentKeys.get(agent);
  if (key === undefined) {
    key = `cache:g:${agent}`;
    // Agents are the hosted packs: few. The bound only guards against a caller inventing names.
    if (agentKeys.size >= 1_000) agentKeys.clear();
    agentKeys.set(agent, key);
  }
  lastAgent = { agent, key };
  return key;
}

let lastAgent = { agent: '', key: 'cache:g:' };

/** Key of a tag's generation token; replacing the token invalidates every entry carrying the tag. */
export function tagGenerationKey(tag: string): string {
  return `cache:t:${encodeURIComponent(tag)}`;
}
