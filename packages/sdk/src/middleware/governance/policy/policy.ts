import type { ErrorCode } from '../../../contract';
import type { Invocation } from '../../../core/invocation';

/** What a policy knows about a call besides the invocation itself. */
export interface PolicyContext {
  /** The tenant's tier, when `tenantTier` is configured. */
  readonly tier: string | undefined;
  /** Every string of the input, one per line (what `inputMatches` rules test). */
  readonly inputText: string;
}

/** A policy's verdict on one call. */
export type PolicyDecision =
  | {
      allow: true;
      /** Redact personal data in this call's input and output even where `pii` says `off`. */
      redact?: boolean;
      /** Recorded in the audit log. */
      rule?: string;
    }
  | {
      allow: false;
      /** The refusal's code. @default 'AGENTRY_FORBIDDEN' */
      code?: ErrorCode;
      /** Told to the caller and recorded (redacted) in the audit log. */
      reason: string;
      rule?: string;
    };

/**
 * A policy hook: decides whether a call may run. Throwing refuses the call (policies fail
 * closed). {@link loadPolicy} compiles a JSON rule set into one.
 */
export type PolicyFunction = (invocation: Invocation, context: PolicyContext) => PolicyDecision | Promise<PolicyDecision>;
