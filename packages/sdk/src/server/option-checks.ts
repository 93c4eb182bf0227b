import { AgentryError } from '../contract';

/**
 * An integer option: `fallback` when absent.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` naming `field` when it is not a safe integer >= `minimum`.
 */
export function integer(field: string, value: number | undefined, fallback: number, minimum: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < minimum) throw invalid(field, `must be an integer >= ${minimum}, got ${String(value)}`);
  return value;
}

/** The error of a wrong `createServer` option. */
export function invalid(field: string, problem: string): AgentryError {
  return new AgentryError('AGENTRY_INVALID_OPTIONS', `createServer: \`${field}\` ${problem}`);
}
