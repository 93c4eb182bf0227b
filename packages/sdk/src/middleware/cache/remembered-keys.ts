/**
 * The in-process keys of inputs that hit, found again without writing the key.
 * A hit's cost is mostly JSON.stringify of the input and the hashing of that fresh string by the
 * store's Map; an input that hits comes back again and again, so its key is remembered under a
 * structural hash of (namespace, input) computed in place, and served only after the input is
 * found structurally equal to a private copy of the one the key was made for. A remembered key
 * is therefore exactly the key the input would get; a hash collision or an input the comparison
 * cannot vouch for (undefined or non-finite members, which JSON rewrites) only means the key is
 * written the usual way.
 */

interface RememberedKey {
  readonly namespace: number;
  /** A copy parsed from the key itself: nobody else holds it, so nobody can change it. */
  readonly input: unknown;
  readonly key: string;
}

const remembered = new Map<number, RememberedKey>();
/** The same entries by key, oldest first: what makes remembering a key already known cost one lookup. */
const byKey = new Map<string, number>();
// Bounded like the store it serves: the hottest inputs of a process, oldest dropped first.
const maxRemembered = 1_000;

/**
 * The key remembered for `input` in `namespace`, or undefined. Callers pass only inputs that
 * `isCanonicalAsIs` accepted: plain data whose object keys are in order, which is what the
 * hash and the comparison below assume.
 */
export function rememberedKey(namespace: number, input: unknown): string | undefined {
  if (remembered.size === 0) return undefined;
  const found = remembered.get(mapKey(namespace, input));
  return found !== undefined && found.namespace === namespace && sameData(input, found.input, 0) ? found.key : undefined;
}

/**
 * Remembers a text key made by JSON.stringify([namespace, input]) once it found an entry; a key
 * already remembered costs one Map lookup (the remembered string itself, whose hash V8 keeps).
 */
export function rememberKey(key: string): void {
  if (byKey.has(key)) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(key);
  } catch {
    return;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'number') return;
  const [namespace, input] = parsed as [number, unknown];
  const hash = mapKey(namespace, input);
  const displaced = remembered.get(hash);
  if (displaced !== undefined) byKey.delete(displaced.key);
  else if (remembered.size >= maxRemembered) {
    const [oldestKey, oldestHash] = byKey.entries().next().value!;
    byKey.delete(oldestKey);
    remembered.delete(oldestHash);
  }
  remembered.set(hash, { namespace, input, key });
  byKey.set(key, hash);
}

/** How many keys are remembered (tests). */
export function rememberedKeyCount(): number {
  return remembered.size;
}

/** Forgets every remembered key (tests). */
export function forgetRememberedKeys(): void {
  remembered.clear();
  byKey.clear();
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
