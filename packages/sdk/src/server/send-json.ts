import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AgentryError, ErrorBody } from '../contract';

const jsonType = 'application/json; charset=utf-8';

/** Writes a JSON response in one go: serialised once, with its length, echoing the request id. */
export function sendJson(response: ServerResponse, status: number, body: unknown, requestId: string, headers?: OutgoingHttpHeaders): void {
  const text = JSON.stringify(body);
  response.writeHead(
    status,
    headers === undefined
      ? { 'content-type': jsonType, 'content-length': Buffer.byteLength(text), 'x-request-id': requestId }
      : { ...headers, 'content-type': jsonType, 'content-length': Buffer.byteLength(text), 'x-request-id': requestId },
  );
  response.end(text);
}

/**
 * Writes an error envelope `{ error: { code, message, hint, requestId, details? } }` with the
 * catalogue status: never a stack. Adds `WWW-Authenticate` to 401 and `Retry-After` to answers
 * a retry can fix (429, 503, a key still in progress).
 */
export function sendError(response: ServerResponse, error: AgentryError, requestId: string, headers?: OutgoingHttpHeaders): void {
  if (response.headersSent) {
    // Too late for a status: cut the connection so the client sees a failure, not a short body.
    response.destroy();
    return;
  }
  let extra = headers;
  if (error.status === 401) extra = { ...extra, 'www-authenticate': 'Bearer' };
  else if (error.retryable && (error.status === 503 || error.status === 429 || error.code === 'AGENTRY_IN_PROGRESS')) {
    extra = { ...extra, 'retry-after': String(error.retryAfterSeconds ?? 1) };
  }
  sendJson(response, error.status, { error: errorBody(error, requestId) }, requestId, extra);
}

/** The wire body of an error, carrying the id of the request that saw it. */
export function errorBody(error: AgentryError, requestId: string): ErrorBody {
  const body: ErrorBody = { code: error.code, message: error.message, hint: error.hint, requestId };
  if (error.details !== undefined) body.details = error.details;
  return body;
}
