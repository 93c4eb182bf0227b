/**
 * The text of an input for deny rules and policies: every string inside it (strings of arrays
 * and objects, depth first), one per line. Keys and numbers are structure, not what a user said.
 */
export function inputText(input: unknown): string {
  if (typeof input === 'string') return input;
  const parts: string[] = [];
  collect(input, parts);
  return parts.join('\n');
}

function collect(value: unknown, parts: string[]): void {
  if (typeof value === 'string') parts.push(value);
  else if (Array.isArray(value)) for (const item of value) collect(item, parts);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) collect(item, parts);
}

/** Size of the input as UTF-8 JSON, counted without encoding it. */
export function inputBytes(input: unknown): number {
  const json = JSON.stringify(input) ?? '';
  let bytes = 0;
  for (let index = 0; index < json.length; index++) {
    const code = json.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4; // a surrogate pair is one 4-byte code point
      index++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Size of the input as UTF-8 JSON when it is over `limit` bytes, else undefined. Most inputs are
 * far below the limit, and an upper bound of their size, added up from the data without writing
 * the JSON, shows it; only inputs near or over the limit are serialised and counted.
 */
export function inputBytesOver(input: unknown, limit: number): number | undefined {
  if (jsonBytesBound(input, 0, limit) <= limit) return undefined;
  const bytes = inputBytes(input);
  return bytes > limit ? bytes : undefined;
}

/**
 * An upper bound of the UTF-8 size of `value` as JSON, for plain data (strings, numbers,
 * booleans, null, arrays and plain objects). Infinity for anything whose JSON is not plain to
 * foresee (`toJSON`, class instances, deep nesting), and any value over `limit` once the sum
 * passes it, so the walk is short whatever the data. A UTF-16 code unit is at most 6 bytes of
 * JSON (`\u001f`, a lone surrogate escaped), a number at most 25 characters.
 */
function jsonBytesBound(value: unknown, depth: number, limit: number): number {
  switch (typeof value) {
    case 'string':
      return 2 + 6 * value.length;
    case 'number':
      return 25;
    case 'boolean':
    case 'undefined':
      return 5;
    case 'object': {
      if (value === null) return 4;
      if (depth >= maxBoundDepth) return Infinity;
      let total = 2;
      if (Array.isArray(value)) {
        for (let index = 0; index < value.length && total <= limit; index++) total += jsonBytesBound(value[index], depth + 1, limit) + 1;
        return total;
      }
      const prototype = Object.getPrototypeOf(value) as unknown;
      if ((prototype !== Object.prototype && prototype !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return Infinity;
      for (const key in value) {
        total += 4 + 6 * key.length + jsonBytesBound((value as Record<string, unknown>)[key], depth + 1, limit);
        if (total > limit) break;
      }
      return total;
    }
    default:
      return Infinity;
  }
}

// Deeper data is serialised instead (which also reports a cycle as JSON.stringify does).
const maxBoundDepth = 32;
