import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookSecret, verifyWebhook } from './standard-webhooks';
import { createWebhookDelivery, type WebhookAttempt } from './webhook-delivery';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A receiver on 127.0.0.1 that answers each delivery with the next scripted reply. */
async function startReceiver(replies: Array<number | 'reset'>) {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      const reply = replies[Math.min(received.length - 1, replies.length - 1)]!;
      if (reply === 'reset') request.socket.destroy();
      else response.writeHead(reply).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${port}/hook`, received };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe('webhook delivery', () => {
  it('retries a failing receiver (error status, dropped connection) until it answers 2xx, one webhook id and a fresh valid signature per attempt', async () => {
    const receiver = await startReceiver([500, 'reset', 204]);
    const secret = createWebhookSecret();
    const attempts: WebhookAttempt[] = [];
    const delivery = createWebhookDelivery({ secret, allowPrivateTargets: true, retryDelaysMs: [5, 5, 5], onAttempt: (attempt) => attempts.push(attempt) });
    const outcome = await delivery.deliver(receiver.url, { type: 'job.succeeded', data: { jobId: 'job_1' } });
    await delivery.close();

    expect(outcome).toEqual({ delivered: true, attempts: 3 });
    expect(attempts.map((attempt) => [attempt.attempt, attempt.status ?? 'error', attempt.delivered])).toEqual([
      [1, 500, false],
      [2, 'error', false],
      [3, 204, true],
    ]);
    expect(new Set(receiver.received.map((request) => request.headers['webhook-id'])).size).toBe(1);
    for (const request of receiver.received) {
      expect(verifyWebhook(request.body, request.headers, secret)).toEqual({ type: 'job.succeeded', data: { jobId: 'job_1' } });
    }
  });

  it('spreads each retry delay by up to 20% at random, so deliveries that failed together do not return together', async () => {
    const receiver = await startReceiver([500, 204]);
    const arrivals: number[] = [];
    const delivery = createWebhookDelivery({
      secret: createWebhookSecret(),
      allowPrivateTargets: true,
      retryDelaysMs: [100],
      random: () => 0.999,
      onAttempt: () => arrivals.push(performance.now()),
    });
    expect(await delivery.deliver(receiver.url, { type: 'job.succeeded', data: {} })).toEqual({ delivered: true, attempts: 2 });
    await delivery.close();
    // The draw near 1 stretches the 100 ms delay to about 120 ms (a timer never fires early).
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(115);
  });

  it('gives up after the last retry and says the webhook was not delivered', async () => {
    const receiver = await startReceiver([503]);
    const delivery = createWebhookDelivery({ secret: createWebhookSecret(), allowPrivateTargets: true, retryDelaysMs: [1, 1] });
    expect(await delivery.deliver(receiver.url, { type: 'job.failed' })).toEqual({ delivered: false, attempts: 3 });
    expect(receiver.received).toHaveLength(3);
    await delivery.close();
  });

  it('stops retrying once its signal aborts (a server shutting down)', async () => {
    const receiver = await startReceiver([500]);
    const delivery = createWebhookDelivery({ secret: createWebhookSecret(), allowPrivateTargets: true, retryDelaysMs: [60_000, 60_000] });
    const controller = new AbortController();
    const pending = delivery.deliver(receiver.url, { type: 'job.succeeded' }, { signal: controller.signal });
    await expect.poll(() => receiver.received.length).toBe(1);
    controller.abort();
    expect(await pending).toEqual({ delivered: false, attempts: 1 });
    await delivery.close();
  });

  it('refuses a loopback target unless private targets are allowed (no SSRF), and retries nothing it could not reach', async () => {
    const receiver = await startReceiver([204]);
    const attempts: WebhookAttempt[] = [];
    const delivery = createWebhookDelivery({ secret: createWebhookSecret(), retryDelaysMs: [1], onAttempt: (attempt) => attempts.push(attempt) });
    expect(await delivery.deliver(receiver.url, { type: 'job.succeeded' })).toEqual({ delivered: false, attempts: 1 });
    expect(await delivery.deliver(receiver.url.replace('127.0.0.1', '[::ffff:127.0.0.1]'), { type: 'job.succeeded' })).toEqual({ delivered: false, attempts: 1 });
    expect(receiver.received).toHaveLength(0);
    expect(attempts.map((attempt) => attempt.error)).toEqual([expect.stringContaining('non-public address'), expect.stringContaining('non-public address')]);
    await delivery.close();
  });
});
