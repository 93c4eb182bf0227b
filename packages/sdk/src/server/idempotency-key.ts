import { AgentryError } from '../contract';

// 1 to 255 visible ASCII characters: what the IETF Idempotency-Key draft's examples use, and safe
// to store and log as is.
const acceptedIdempotencyKey = /^[\x21-\x7e]{1,255}$/;

/**
 * Reads the `Idempotency-Key` header.
 *
 * @throws AgentryError `AGENTRY_INVALID_REQUEST` when the header is present but not 1..255 visible ASCII characters.
 */
export function idempotencyKeyFrom(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header === 'string' && acceptedIdempotencyKey.test(header)) return header;
  throw new AgentryError('AGENTRY_INVALID_REQUEST', 'the Idempotency-Key header must be 1 to 255 visible ASCII characters', {
    hint: 'Send one Idempotency-Key per logical request, such as a UUID, and reuse it only for retries of that request.',
  });
}
