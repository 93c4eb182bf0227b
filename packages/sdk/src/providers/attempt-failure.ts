import { AgentryError, isAgentryError } from '../contract';
import { isConnectionError } from '../core/connection-error';

export { isConnectionError };

/** The signals one attempt runs under: the caller's, and the attempt's own (deadlines, stall watch). */
export interface AttemptSignals {
  caller: AbortSignal | undefined;
  attempt: AbortSignal;
}

/**
 * Normalises whatever an attempt threw into an AgentryError. An aborted signal says why better than
 * the error the abort caused: the attempt's reason (AGENTRY_STREAM_STALLED, AGENTRY_TIMEOUT) first,
 * then the caller's (its AgentryError reason as is, anything else AGENTRY_CANCELLED).
 */
export function attemptFailure(error: unknown, signals: AttemptSignals, label: string): AgentryError {
  if (signals.caller?.aborted) return cancelled(signals.caller, label);
  if (signals.attempt.aborted && isAgentryError(signals.attempt.reason)) return signals.attempt.reason;
  if (isAgentryError(error)) return error;
  if (isConnectionError(error)) {
    return new AgentryError('AGENTRY_CONNECTION_FAILED', `${label} failed: connection error (${describe(error)})`, { cause: error });
  }
  if ((error as { code?: unknown } | null)?.code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new AgentryError('AGENTRY_TIMEOUT', `${label} failed: no response headers in time`, { cause: error });
  }
  return new AgentryError('AGENTRY_UPSTREAM_ERROR', `${label} failed: ${describe(error)}`, { cause: error, retryable: false });
}

/** The error a cancelled call ends with: the signal's AgentryError reason, or AGENTRY_CANCELLED. */
export function cancelled(signal: AbortSignal, label: string): AgentryError {
  const reason: unknown = signal.reason;
  if (isAgentryError(reason)) return reason;
  return new AgentryError('AGENTRY_CANCELLED', `${label} cancelled`, { cause: reason });
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as Error & { code?: unknown }).code;
  const cause = (error as Error & { cause?: unknown }).cause;
  const base = typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  return cause instanceof Error && cause.message !== error.message ? `${base}; ${cause.message}` : base;
}
