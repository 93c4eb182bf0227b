import { createHmac, timingSafeEqual } from 'node:crypto';
import { AgentryError } from '@agentry/sdk';
import { parseTrackerEvent, type TrackerEvent } from './tracker-events';

/** A verified webhook delivery. */
export interface TrackerWebhookDelivery {
  /** `X-GitHub-Delivery`: unique per delivery; remember recent ones to drop replays. */
  id: string;
  /** `X-GitHub-Event`, e.g. `issues`. */
  name: string;
  event: TrackerEvent;
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

/**
 * Verifies a tracker webhook the way GitHub signs them (`X-Hub-Signature-256: sha256=<hex>`, an
 * HMAC-SHA256 of the raw body keyed with the webhook secret), comparing in constant time, then
 * parses the event. Pass the body exactly as received: re-serialised JSON will not match.
 *
 * GitHub signs no timestamp, so the signature does not stop replays: keep the delivery ids you
 * have processed (for example in a KeyValueStore with a TTL) and skip repeats.
 *
 * @throws AgentryError `AGENTRY_WEBHOOK_INVALID` on a missing or malformed header, a signature
 * that does not match, or a body that is not JSON; `AGENTRY_INVALID_OPTIONS` on an empty secret.
 * @example
 * const { event } = verifyTrackerWebhook(rawBody, request.headers, process.env.TRACKER_WEBHOOK_SECRET!);
 * if (event.type === 'issues' && event.action === 'opened') triage(event.issue);
 */
export function verifyTrackerWebhook(body: string | Uint8Array, headers: HeaderBag, secret: string): TrackerWebhookDelivery {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', 'verifyTrackerWebhook: the secret is empty', {
      hint: 'Pass the secret configured on the tracker webhook.',
    });
  }
  const signature = header(headers, 'x-hub-signature-256');
  const name = header(headers, 'x-github-event');
  const id = header(headers, 'x-github-delivery');
  if (!signature || !name || !id) throw invalid('an X-Hub-Signature-256, X-GitHub-Event or X-GitHub-Delivery header is missing');
  const match = /^sha256=([0-9a-f]{64})$/i.exec(signature.trim());
  if (!match) throw invalid('X-Hub-Signature-256 is not of the form sha256=<64 hex digits>');
  const raw = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  const expected = createHmac('sha256', secret).update(raw).digest();
  const given = Buffer.from(match[1]!, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw invalid('the signature does not match the body and secret');
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw invalid('the signed body is not JSON', error);
  }
  return { id, name, event: parseTrackerEvent(name, payload) };
}

/**
 * Signs a body as GitHub does, giving the `X-Hub-Signature-256` value. For tests and for
 * forwarding verified events; trackers sign their own deliveries.
 */
export function signTrackerWebhook(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret)
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest('hex')}`;
}

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const value = record[name] ?? Object.entries(record).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value[0] : value;
}

function invalid(reason: string, cause?: unknown): AgentryError {
  return new AgentryError('AGENTRY_WEBHOOK_INVALID', `tracker webhook refused: ${reason}`, {
    ...(cause === undefined ? {} : { cause }),
    hint: 'Verify with the raw body bytes and the secret set on the tracker webhook.',
  });
}
