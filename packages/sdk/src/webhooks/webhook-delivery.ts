import { Agent, request, type Dispatcher } from 'undici';
import { signWebhook } from './standard-webhooks';
import { guardedLookup, literalPrivateAddress } from './webhook-target';
import { createId } from '../core/ids';

/** Options of {@link createWebhookDelivery}. */
export interface WebhookDeliveryOptions {
  /** The `whsec_...` signing secret. */
  secret: string;
  /** Allow loopback and private targets. @default false */
  allowPrivateTargets?: boolean;
  /**
   * Delays before each retry in milliseconds; the number of entries is the number of retries.
   * Each is spread by ±20% at random, so the deliveries of jobs that failed together (a receiver
   * that was down) do not all come back at the same instant. @default [1000, 5000, 30000, 120000, 600000]
   */
  retryDelaysMs?: readonly number[];
  /** Uniform random numbers in [0, 1) for the spread of retry delays (tests). @default Math.random */
  random?: () => number;
  /** Deadline of one delivery attempt. @default 10000 */
  attemptTimeoutMs?: number;
  /** Dispatcher for the HTTP calls (tests, proxies); the SSRF-guarded agent otherwise. */
  dispatcher?: Dispatcher;
  /** Clock in epoch milliseconds. @default Date.now */
  now?: () => number;
  /** Called after each attempt, for logs and metrics. */
  onAttempt?: (attempt: WebhookAttempt) => void;
}

/** What happened on one delivery attempt. */
export interface WebhookAttempt {
  webhookId: string;
  url: string;
  attempt: number;
  status?: number;
  error?: string;
  delivered: boolean;
}

/** Delivers signed webhooks with retries and backoff. */
export interface WebhookDelivery {
  /** Delivers `payload` to `url`; resolves with the number of attempts and whether one succeeded. */
  deliver(url: string, payload: unknown, options?: { signal?: AbortSignal }): Promise<{ delivered: boolean; attempts: number }>;
  close(): Promise<void>;
}

/**
 * Delivers JSON payloads signed per Standard Webhooks. The webhook id stays the same across
 * retries (receivers deduplicate on it); the timestamp and signature are fresh on each attempt.
 * A 2xx answer is success; anything else, or no answer, is retried after the next delay.
 */
export function createWebhookDelivery(options: WebhookDeliveryOptions): WebhookDelivery {
  const retryDelays = options.retryDelaysMs ?? [1_000, 5_000, 30_000, 120_000, 600_000];
  const random = options.random ?? Math.random;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 10_000;
  const now = options.now ?? Date.now;
  const ownDispatcher =
    options.dispatcher === undefined
      ? new Agent(options.allowPrivateTargets ? {} : { connect: { lookup: guardedLookup as never } })
      : undefined;
  const dispatcher = options.dispatcher ?? ownDispatcher!;

  async function attemptOnce(url: string, webhookId: string, body: string, signal?: AbortSignal): Promise<{ status?: number; error?: string }> {
    const headers = signWebhook(options.secret, webhookId, Math.floor(now() / 1000), body);
    const timeout = AbortSignal.timeout(attemptTimeoutMs);
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/json', 'user-agent': 'agentry-webhooks/1', ...headers },
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      await response.body.dump();
      return { status: response.statusCode };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }

  return {
    async deliver(url, payload, deliverOptions) {
      const webhookId = createId('msg');
      // The guarded lookup sees host names only; an address written in the URL is checked here.
      // A refusal is final: no retry would change it.
      const refusal = options.allowPrivateTargets ? undefined : literalAddressRefusal(url);
      if (refusal !== undefined) {
        options.onAttempt?.({ webhookId, url, attempt: 1, error: refusal, delivered: false });
        return { delivered: false, attempts: 1 };
      }
      const body = JSON.stringify(payload);
      for (let attempt = 1; attempt <= retryDelays.length + 1; attempt++) {
        const outcome = await attemptOnce(url, webhookId, body, deliverOptions?.signal);
        const delivered = outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300;
        options.onAttempt?.({ webhookId, url, attempt, ...outcome, delivered });
        if (delivered) return { delivered: true, attempts: attempt };
        const delay = retryDelays[attempt - 1];
        if (delay === undefined || deliverOptions?.signal?.aborted) return { delivered: false, attempts: attempt };
        await sleep(Math.round(delay * (0.8 + 0.4 * random())), deliverOptions?.signal);
        if (deliverOptions?.signal?.aborted) return { delivered: false, attempts: attempt };
      }
      return { delivered: false, attempts: retryDelays.length + 1 };
    },
    async close() {
      await ownDispatcher?.close();
    },
  };
}

/** Why a URL whose host is a non-public IP address is refused; undefined for any other URL. */
function literalAddressRefusal(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${url} is not a URL`;
  }
  const address = literalPrivateAddress(parsed);
  return address === undefined ? undefined : `webhook target ${url} refused: ${address} is a non-public address (allowPrivateTargets is off)`;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
