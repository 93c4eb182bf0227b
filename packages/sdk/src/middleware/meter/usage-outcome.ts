import type { ErrorCode } from '../../contract';
import type { UsageOutcome } from '../../contract/usage-event';

/** Codes that mean a policy declined the call: no agent work was done on purpose. */
const refusalCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'AGENTRY_BUDGET_EXCEEDED',
  'AGENTRY_FORBIDDEN',
  'AGENTRY_FORBIDDEN_TOOL',
  'AGENTRY_RATE_LIMITED',
  'AGENTRY_PAYLOAD_TOO_LARGE',
]);

/** Classifies a failed invocation's error code as `refused`, `cancelled` or `error`. */
export function usageOutcomeOf(code: ErrorCode): Exclude<UsageOutcome, 'success'> {
  if (refusalCodes.has(code)) return 'refused';
  if (code === 'AGENTRY_CANCELLED' || code === 'AGENTRY_SHUTTING_DOWN') return 'cancelled';
  return 'error';
}
