import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AgentryError } from '../contract';

/** Default window in which a webhook timestamp is accepted, in seconds (the spec's suggestion). */
export const defaultWebhookToleranceSeconds = 300;

/** Headers of a Standard Webhooks delivery. */
// A type alias, not an interface, so it is assignable to a plain header record.
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** Creates a new signing secret in the `whsec_<base64>` form. */
export function createWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * Signs a payload per Standard Webhooks: HMAC-SHA256 over `${id}.${timestamp}.${body}` with the
 * base64-decoded secret, sent as `webhook-signature: v1,<base64>`.
 */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): WebhookHeaders {
  const signature = computeSignature(secretKey(secret), id, String(timestampSeconds), body);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': `v1,${signature}` };
}

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** Accepted clock skew in seconds. @default 300 */
  toleranceSeconds?: number;
  /** Current time in epoch milliseconds, injectable for tests. @default Date.now */
  now?: () => number;
}

/**
 * Verifies a webhook delivery and returns the parsed JSON payload. Pass the raw body exactly as
 * received: re-serialised JSON will not match the signature.
 *
 * @throws AgentryError `AGENTRY_WEBHOOK_INVALID` on a missing header, a bad signature or a
 * timestamp outside the tolerance.
 * @example
 * const event = verifyWebhook(rawBody, request.headers, process.env.AGENTRY_WEBHOOK_SECRET!);
 */
export function verifyWebhook<Payload = unknown>(
  body: string | Uint8Array,
  headers: Headers | Record<string, string | string[] | undefined>,
  secret: string,
  options: VerifyWebhookOptions = {},
): Payload {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    throw invalid('a webhook-id, webhook-timestamp or webhook-signature header is missing');
  }
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(seconds)) throw invalid('webhook-timestamp is not a number');
  const tolerance = options.toleranceSeconds ?? defaultWebhookToleranceSeconds;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  if (Math.abs(nowSeconds - seconds) > tolerance) {
    throw invalid(`webhook-timestamp is ${nowSeconds - seconds}s away from now, outside the ${tolerance}s tolerance`);
  }
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  const expected = Buffer.from(computeSignature(secretKey(secret), id, timestamp, text), 'base64');
  const matches = signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || value === undefined) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw invalid('no webhook-signature matches the body and secret');
  try {
    return JSON.parse(text) as Payload;
  } catch (error) {
    throw invalid('the signed body is not JSON', error);
  }
}

function computeSignature(key: Buffer, id: string, timestamp: string, body: string): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
}

function secretKey(secret: string): Buffer {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', 'webhook secret is empty', {
      hint: 'Pass the whsec_... secret the server printed or was configured with.',
    });
  }
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

function header(headers: Headers | Record<string, string | string[] | undefined>, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const value = record[name] ?? Object.entries(record).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value.join(' ') : value;
}

function invalid(reason: string, cause?: unknown): AgentryError {
  return new AgentryError('AGENTRY_WEBHOOK_INVALID', `webhook verification failed: ${reason}`, { cause });
}
