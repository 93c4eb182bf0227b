const connectionErrorCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);

/**
 * True for an error that means the connection could not be made or broke (worth a retry),
 * looking through up to four `cause`s. `alsoCodes` adds codes a caller counts as such too (the
 * agentry.v1 client counts undici's header and body timeouts).
 */
export function isConnectionError(error: unknown, alsoCodes?: ReadonlySet<string>): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string' && (connectionErrorCodes.has(code) || alsoCodes?.has(code) === true)) return true;
    // undici reports a body cut mid-way as `TypeError: terminated` with the socket error as cause.
    if (current.message === 'terminated' && current.name === 'TypeError') return true;
    current = (current as Error & { cause?: unknown }).cause;
  }
  return false;
}
