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
