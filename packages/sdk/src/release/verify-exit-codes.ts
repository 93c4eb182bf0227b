import type { ErrorCode } from '../contract';

/**
 * Exit codes of `agentry verify`: one per way a release can fail verification, so scripts can
 * tell a tampered tarball from a swapped SBOM without parsing messages. 1 is any other error and
 * 2 a usage error, as for every agentry command.
 */
export const verifyExitCodes = {
  AGENTRY_VERIFY_BUNDLE_INVALID: 10,
  AGENTRY_VERIFY_SIGNATURE_INVALID: 11,
  AGENTRY_VERIFY_KEY_EXPIRED: 12,
  AGENTRY_VERIFY_UNTRUSTED_SIGNER: 13,
  AGENTRY_VERIFY_DIGEST_MISMATCH: 14,
  AGENTRY_VERIFY_SBOM_MISMATCH: 15,
} as const satisfies Partial<Record<ErrorCode, number>>;

/** The exit code for an error code: its own for verification failures, 2 for bad options, else 1. */
export function verifyExitCode(code: ErrorCode): number {
  if (code === 'AGENTRY_INVALID_OPTIONS') return 2;
  return (verifyExitCodes as Partial<Record<ErrorCode, number>>)[code] ?? 1;
}
