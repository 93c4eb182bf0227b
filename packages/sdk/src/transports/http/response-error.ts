import { isConnectionError as isSharedConnectionError } from '../../core/connection-error';
import { AgentryError, agentryErrorFromWire, errorEnvelopeSchema } from '../../contract';
import { parseRetryAfter } from '../../core/backoff';

type HeaderValue = string | string[] | undefined;

function first(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Reads `Retry-After` / `retry-after-ms` from undici response headers, in seconds. */
export function retryAfterSeconds(headers: Record<string, HeaderValue>): number | undefined {
  const ms = parseRetryAfter(first(headers['retry-after']), first(headers['retry-after-ms']));
  return ms === undefined ? undefined : ms / 1000;
}

/**
 * Turns a non-2xx answer into an AgentryError: the server's envelope when it sent one, otherwise
 * a code chosen from the status (a proxy's HTML 502 is still a retryable unavailability).
 */
export function errorFromResponse(
  status: number,
  headers: Record<string, HeaderValue>,
  bodyText: string,
  label: string,
  requestId: string,
): AgentryError {
  const retryAfter = retryAfterSeconds(headers);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    parsed = undefined;
  }
  const envelope = errorEnvelopeSchema.safeParse(parsed);
  if (envelope.success) {
    const error = agentryErrorFromWire(envelope.data.error, status, retryAfter);
    error.requestId ??= first(headers['x-request-id']) ?? requestId;
    return error;
  }
  const code =
    status === 429
      ? 'AGENTRY_RATE_LIMITED'
      : status === 408 || status === 504
        ? 'AGENTRY_TIMEOUT'
        : status === 401
          ? 'AGENTRY_UNAUTHORIZED'
          : status >= 500
            ? 'AGENTRY_UNAVAILABLE'
            : 'AGENTRY_PROTOCOL_ERROR';
  return new AgentryError(code, `${label} failed: HTTP ${status} without an agentry.v1 error body`, {
    status,
    retryable: status === 408 || status === 429 || status >= 500,
    requestId,
    ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
  });
}

const timeoutCodes: ReadonlySet<string> = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** True for an error that means the connection failed or broke (worth a retry), undici's header and body timeouts included. */
export function isConnectionError(error: unknown): boolean {
  return isSharedConnectionError(error, timeoutCodes);
}
