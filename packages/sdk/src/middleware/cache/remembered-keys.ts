/**
 * The store keys of inputs that hit, found again without writing the key. A lookup's cost is
 * mostly serialising the input and hashing that fresh string (by the store's Map in process; for
 * a shared store, into the digest Map). An input that hits comes back again and again, so its
 * key is remembered under a structural hash of (namespace, input) computed in place, and served
 * only after the input is found structurally equal to a private copy of the one the key was made
 * for. A remembered key is therefore exactly the key the input would get; a hash collision or an
 * input the comparison cannot vouch for (undefined or non-finite members, which JSON rewrites)
 * only means the key is written the usual way.
 */

interface RememberedKey {
  readonly namespace: number;
  /** A copy parsed from JSON made for it: nobody else holds it, so nobody can change it. */
  readonly input: unknown;
  readonly key: string;
}

/** Keys remembered for one kind of key (in-process text keys, or shared hashed keys). */
export interface RememberedKeys {
  /**
   * The key remembered for `input` in `namespace`, or undefined. Callers pass only inputs that
   * `isCanonicalAsIs` accepted: plain data whose object keys are in order, which is what the
   * hash and the comparison assume.
   */
  find(namespace: number, input: unknown): string | undefined;
  /** Whether `key` is remembered: one Map lookup (a remembered string's hash is kept by V8). */
  has(key: string): boolean;
  /** Remembers `key` for an input; `copy` is parsed from the input's canonical JSON, held by nobody else. */
  remember(key: string, namespace: number, copy: unknown): void;
  readonly size: number;
  clear(): void;
}

// Bounded like the store it serves: the hottest inputs of a process, oldest dropped first.
const maxRemembered = 1_000;

export function createRememberedKeys(): RememberedKeys {
  const byHash = new Map<number, RememberedKey>();
  // The same entries by key, oldest first.
  const byKey = new Map<string, number>();
  return {
    find(namespace, input) {
      if (byHash.size === 0) return undefined;
      const found = byHash.get(mapKey(namespace, input));
      return found !== undefined && found.namespace === namespace && sameData(input, found.input, 0) ? found.key : undefined;
    },
    has: (key) => byKey.has(key),
    remember(key, namespace, copy) {
      if (byKey.has(key)) return;
      const hash = mapKey(namespace, copy);
      const displaced = byHash.get(hash);
      if (displaced !== undefined) byKey.delete(displaced.key);
      else if (byHash.size >= maxRemembered) {
        const [oldestKey, oldestHash] = byKey.entries().next().value!;
        byKey.delete(oldestKey);
        byHash.delete(oldestHash);
      }
      byHash.set(hash, { namespace, input: copy, key });
      byKey.set(key, hash);
    },
    get size() {
      return byHash.size;
    },
    clear() {
      byHash.clear();
      byKey.clear();
    },
  };
}

// FNV-1a over the input's top level: each member's kind and value for strings (sampled),
// numbers and booleans, only kind and size for nested arrays and objects. Equality is checked in
// full anyway, so the hash only has to tell apart the few hot inputs of a process, where reading
// all of each input (or recursing into it) would cost more than the rest of the lookup.
const prime = 16777619;
const maxDepth = 64;
const sampledCharacters = 8;

/** The hash cut to 30 bits: a small integer V8 keeps unboxed, so the Map lookup allocates nothing. */
function mapKey(namespace: number, input: unknown): number {
  let hash = Math.imul(2166136261 ^ namespace, prime);
  if (typeof input !== 'object' || input === null) return hashMember(hash, input) & 0x3fffffff;
  let count = 0;
  if (Array.isArray(input)) {
    for (let index = 0; index < input.length; index++) hash = hashMember(hash, input[index]);
    count = input.length;
  } else {
    for (const key in input) {
      hash = hashMember(hash, (input as Record<string, unknown>)[key]);
      count++;
    }
  }
  return Math.imul(hash ^ count, prime) & 0x3fffffff;
}

function hashMember(hash: number, value: unknown): number {
  switch (typeof value) {
    case 'string':
      return hashText(Math.imul(hash ^ 1, prime), value);
    case 'number':
      return Math.imul(Math.imul(hash ^ 2, prime) ^ (value | 0), prime) ^ ((value * 65_536) | 0);
    case 'boolean':
      return Math.imul(hash ^ (value ? 3 : 4), prime);
    case 'object':
      if (value === null) return Math.imul(hash ^ 5, prime);
      return Math.imul(hash ^ (Array.isArray(value) ? 6 + 8 * (value as unknown[]).length : 7), prime);
    default:
      return Math.imul(hash ^ 5, prime);
  }
}

function hashText(hash: number, text: string): number {
  const length = text.length;
  hash = Math.imul(hash ^ length, prime);
  if (length <= sampledCharacters) {
    for (let index = 0; index < length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), prime);
    return hash;
  }
  // Evenly spread, always including the last character.
  const step = (length - 1) / (sampledCharacters - 1);
  for (let sample = 0; sample < sampledCharacters; sample++) hash = Math.imul(hash ^ text.charCodeAt((step * sample) | 0), prime);
  return hash;
}

/**
 * Whether `value` (plain data with ordered keys) serialises as `copy` (a JSON.parse result) does.
 * Conservative: `undefined`, NaN and the infinities never compare equal to what JSON made of
 * them, and anything deeper than the hash looks is refused, so a true answer is always right.
 */
function sameData(value: unknown, copy: unknown, depth: number): boolean {
  if (value === copy) return value !== undefined;
  if (typeof value !== 'object' || typeof copy !== 'object' || value === null || copy === null || depth >= maxDepth) return false;
  if (Array.isArray(value)) {
    if (!Array.isArray(copy) || value.length !== copy.length) return false;
    for (let index = 0; index < value.length; index++) if (!sameData(value[index], copy[index], depth + 1)) return false;
    return true;
  }
  if (Array.isArray(copy)) return false;
  let count = 0;
  for (const key in value) {
    if (!Object.hasOwn(copy, key) || !sameData((value as Record<string, unknown>)[key], (copy as Record<string, unknown>)[key], depth + 1)) return false;
    count++;
  }
  for (const _key in copy) count--;
  return count === 0;
}
