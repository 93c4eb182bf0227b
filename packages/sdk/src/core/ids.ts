// Several ids are made per request, so an id costs one pooled random draw and one string:
// random bytes come in blocks, are hex-encoded into a reused byte buffer and decoded once
// (`randomUUID().replaceAll('-', '')` costs about four times as much and builds more strings).
const idBytes = 16;
const pool = new Uint8Array(idBytes * 256);
let poolOffset = pool.length;
const hexDigits = new TextEncoder().encode('0123456789abcdef');
const ascii = new TextDecoder();
let scratch = new Uint8Array(64);

/**
 * Random ids with a readable prefix (`req_`, `inv_`, `job_`): the prefix, `_`, then a random
 * UUID v4 as 32 lowercase hex digits. Uses Web Crypto, available in every runtime.
 */
export function createId(prefix: string): string {
  if (poolOffset === pool.length) {
    globalThis.crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  const at = poolOffset;
  poolOffset += idBytes;
  const length = prefix.length + 1 + idBytes * 2;
  if (scratch.length < length) scratch = new Uint8Array(length * 2);
  let out = 0;
  for (let index = 0; index < prefix.length; index++) {
    const code = prefix.charCodeAt(index);
    // Only ASCII goes through the byte buffer; any other prefix is joined as a string.
    if (code > 0x7f) return `${prefix}_${createId('').slice(1)}`;
    scratch[out++] = code;
  }
  scratch[out++] = 0x5f; // _
  for (let index = 0; index < idBytes; index++) {
    let byte = pool[at + index]!;
    // The version (4) and variant (10xx) bits of a v4 UUID, as randomUUID sets them.
    if (index === 6) byte = (byte & 0x0f) | 0x40;
    else if (index === 8) byte = (byte & 0x3f) | 0x80;
    scratch[out++] = hexDigits[byte >> 4]!;
    scratch[out++] = hexDigits[byte & 0x0f]!;
  }
  return ascii.decode(scratch.subarray(0, out));
}
