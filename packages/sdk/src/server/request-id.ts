import { createId } from '../core/ids';

// Compiled once: the server is benchmarked per request.
const acceptedRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request id of a request: the caller's `X-Request-Id` when it is a safe token (so ids
 * correlate across services), a fresh `req_...` otherwise (so a hostile value never reaches logs
 * or headers).
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && acceptedRequestId.test(header) ? header : createId('req');
}
