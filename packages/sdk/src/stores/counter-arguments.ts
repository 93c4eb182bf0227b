import { AgentryError } from '../contract';

/**
 * Checks the arguments of a counter call the same way in every implementation, so a fractional
 * amount fails loudly everywhere instead of being rounded by one backend (Redis INCRBY refuses
 * it, a Map would add it).
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` naming the bad argument.
 */
export function assertCounterArguments(operation: string, key: string, delta: number, limit?: number, ttlMs?: number): void {
  if (!Number.isSafeInteger(delta)) throw invalid(operation, key, 'delta', delta, 'a safe integer (count micro-units)');
  if (limit !== undefined && !Number.isFinite(limit)) throw invalid(operation, key, 'limit', limit, 'a finite number');
  if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs > 0)) throw invalid(operation, key, 'ttlMs', ttlMs, 'a positive number');
}

function invalid(operation: string, key: string, field: string, value: unknown, expected: string): AgentryError {
  return new AgentryError('AGENTRY_INVALID_OPTIONS', `counter ${operation} ${key}: \`${field}\` must be ${expected}, got ${String(value)}`);
}
