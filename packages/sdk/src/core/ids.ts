/** Random ids with a readable prefix (`req_`, `inv_`, `job_`). Uses Web Crypto, available in every runtime. */
export function createId(prefix: string): string {
  return `${prefix}_${globalThis.crypto.randomUUID().replaceAll('-', '')}`;
}
