import { errorCatalogue, isErrorCode, type ErrorCode } from './error-catalogue';

const brand = Symbol.for('agentry.error');

/** Options for constructing an {@link AgentryError}. */
export interface AgentryErrorOptions {
  /** Overrides the catalogue's hint with one specific to this failure. */
  hint?: string;
  /** The request id of the call that failed, when known. */
  requestId?: string;
  /** The underlying error. */
  cause?: unknown;
  /** Overrides the catalogue status (e.g. the status the server actually sent). */
  status?: number;
  /** Overrides the catalogue's retryable flag. */
  retryable?: boolean;
  /** Seconds the server asked the caller to wait (from `Retry-After`). */
  retryAfterSeconds?: number;
  /** Structured details, such as zod issue paths for AGENTRY_INVALID_INPUT. */
  details?: unknown;
  /** Request id of an upstream provider call, when the failure came from one. */
  providerRequestId?: string;
}

/**
 * The one error type Agentry throws. `code` is a stable catalogue code; `status`, `retryable` and
 * `hint` come from the catalogue unless the failure knows better.
 *
 * @example
 * try { await client.invoke('echo', { text: 'hi' }) }
 * catch (error) { if (isAgentryError(error) && error.retryable) scheduleRetry() }
 */
export class AgentryError extends Error {
  override readonly name = 'AgentryError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly hint: string;
  requestId: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly details: unknown;
  readonly providerRequestId: string | undefined;

  constructor(code: ErrorCode, message: string, options: AgentryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const definition = errorCatalogue[code];
    this.code = code;
    this.status = options.status ?? definition.status;
    this.retryable = options.retryable ?? definition.retryable;
    this.hint = options.hint ?? definition.hint;
    this.requestId = options.requestId;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.details = options.details;
    this.providerRequestId = options.providerRequestId;
    Object.defineProperty(this, brand, { value: true });
  }

  /** The wire form: the body of an `agentry.v1` error envelope. */
  toJSON(): { code: ErrorCode; message: string; hint: string; requestId?: string; details?: unknown } {
    return {
      code: this.code,
      message: this.message,
      hint: this.hint,
      ...(this.requestId === undefined ? {} : { requestId: this.requestId }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/** True for an AgentryError from any copy of this package (the brand is a global symbol). */
export function isAgentryError(value: unknown): value is AgentryError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/**
 * Normalises anything thrown into an AgentryError. Errors that already are one pass through;
 * an AbortError becomes AGENTRY_CANCELLED; anything else becomes `fallback` with the original as `cause`.
 */
export function toAgentryError(
  error: unknown,
  fallback: ErrorCode = 'AGENTRY_INTERNAL',
  context?: string,
): AgentryError {
  if (isAgentryError(error)) return error;
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    // A signal's reason may itself be an AgentryError (we abort with one for timeouts).
    const reason = (error as Error & { cause?: unknown }).cause;
    if (isAgentryError(reason)) return reason;
    return error.name === 'TimeoutError'
      ? new AgentryError('AGENTRY_TIMEOUT', prefix(context, 'timed out'), { cause: error })
      : new AgentryError('AGENTRY_CANCELLED', prefix(context, 'cancelled'), { cause: error });
  }
  const text = error instanceof Error ? error.message : String(error);
  return new AgentryError(fallback, prefix(context, text), { cause: error });
}

/** Builds an AgentryError from a wire envelope body, keeping the server's status. */
export function agentryErrorFromWire(
  body: { code: string; message: string; hint?: string; requestId?: string; details?: unknown },
  status?: number,
  retryAfterSeconds?: number,
): AgentryError {
  const code: ErrorCode = isErrorCode(body.code) ? body.code : 'AGENTRY_PROTOCOL_ERROR';
  const message = code === body.code ? body.message : `${body.message} (unknown code ${body.code})`;
  return new AgentryError(code, message, {
    ...(body.hint === undefined ? {} : { hint: body.hint }),
    ...(body.requestId === undefined ? {} : { requestId: body.requestId }),
    ...(status === undefined ? {} : { status }),
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    details: body.details,
  });
}

function prefix(context: string | undefined, text: string): string {
  return context === undefined ? text : `${context}: ${text}`;
}
