/**
 * JSON with object keys sorted at every depth, so equal values give equal strings whatever the
 * key order they were built with. Used for idempotency fingerprints and cache keys.
 * `undefined` members are dropped as JSON.stringify drops them.
 */
export function canonicalJson(value: unknown): string {
  // Cache keys compute this on every call, and JSON.stringify with a replacer function is slow.
  // Plain JSON data whose keys are already in order (the usual input) is JSON.stringify's own
  // output, which is also a flat string, cheap to hash as a Map key; other plain data takes a
  // direct walk; anything else takes the reference path.
  if (isCanonicalAsIs(value, 0)) return JSON.stringify(value) ?? 'null';
  const direct = writeValue(value, 0);
  return direct === unusual ? referenceCanonicalJson(value) : (direct ?? 'null');
}

/** The definition of the output: a value {@link writeValue} cannot prove it handles alike goes here. */
function referenceCanonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, item: unknown) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(item).sort()) sorted[key] = (item as Record<string, unknown>)[key];
      return sorted;
    }) ?? 'null'
  );
}

/**
 * Whether JSON.stringify(value) already is the canonical JSON: plain data whose object keys are
 * in ascending order at every depth, with nothing the direct walk would send elsewhere.
 */
export function isCanonicalAsIs(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return typeof value !== 'bigint';
  if (depth >= maxDepth || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let index = 0; index < value.length; index++) if (!isCanonicalAsIs(value[index], depth + 1)) return false;
    return true;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return false;
  let previous: string | undefined;
  for (const key in value) {
    // for-in walks inherited keys too; a plain object's prototype has none enumerable, a null one none at all.
    if (isIndexLike(key) || key === '__proto__' || (previous !== undefined && previous >= key)) return false;
    if (!isCanonicalAsIs((value as Record<string, unknown>)[key], depth + 1)) return false;
    previous = key;
  }
  return true;
}

/** Returned when the direct walk meets something only the reference path handles exactly. */
const unusual: unique symbol = Symbol('unusual');

// Deeper than this is left to JSON.stringify, which also reports cycles.
const maxDepth = 256;

/**
 * The direct walk: strings, finite and non-finite numbers, booleans, null, arrays and plain
 * objects whose keys are not array indices (an index key moves to the front of the reference
 * path's rebuilt object) nor `__proto__` (which that rebuilt object drops). Returns undefined
 * where JSON.stringify would omit the value, and `unusual` for anything else (toJSON, class
 * instances, boxed primitives, bigint, cycles), so the two paths never disagree.
 */
function writeValue(value: unknown, depth: number): string | undefined | typeof unusual {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return 'null';
  // undefined, functions and symbols are omitted (null inside arrays); a bigint makes JSON.stringify throw.
  if (typeof value !== 'object') return typeof value === 'bigint' ? unusual : undefined;
  if (depth >= maxDepth || typeof (value as { toJSON?: unknown }).toJSON === 'function') return unusual;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return unusual;
    let text = '[';
    for (let index = 0; index < value.length; index++) {
      const item = writeValue(value[index], depth + 1);
      if (item === unusual) return unusual;
      text += (index === 0 ? '' : ',') + (item ?? 'null');
    }
    return text + ']';
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return unusual;
  const keys = Object.keys(value);
  if (keys.length > 1) keys.sort();
  let text = '{';
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    if (isIndexLike(key) || key === '__proto__') return unusual;
    const item = writeValue((value as Record<string, unknown>)[key], depth + 1);
    if (item === unusual) return unusual;
    if (item === undefined) continue;
    text += (text.length === 1 ? '' : ',') + quote(key) + ':' + item;
  }
  return text + '}';
}

/** A JSON string literal; short strings that need no escape skip a call into JSON.stringify. */
function quote(text: string): string {
  if (text.length > 128) return JSON.stringify(text);
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    // Control characters, `"`, `\` and surrogates (a lone one is escaped) need JSON.stringify.
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/** Keys starting with a digit: some are array indices, which objects keep in numeric order. */
function isIndexLike(key: string): boolean {
  const code = key.charCodeAt(0);
  return code >= 48 && code <= 57;
}
