import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startFakeTracker } from './fixtures/fake-tracker-server';
import { createRuntime } from '@agentry/sdk';
import { createProjectTrackerPack } from './project-tracker-pack';
import { parseTrackerEvent } from './tracker-events';
import { signTrackerWebhook, verifyTrackerWebhook, type TrackerWebhookDelivery } from './tracker-webhook';
import { parseLinkHeader } from './link-header';
import { rateLimitDelay } from './rate-limit-delay';

const secret = "It's a Secret to Everybody";

describe('verifyTrackerWebhook', () => {
  // The example from GitHub's "Validating webhook deliveries" guide.
  it('accepts GitHub’s documented test vector', () => {
    const signature = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(signTrackerWebhook('Hello, World!', secret)).toBe(signature);
    const delivery = verifyTrackerWebhook(
      '{"zen":"Hello, World!"}',
      {
        'x-hub-signature-256': signTrackerWebhook('{"zen":"Hello, World!"}', secret),
        'x-github-event': 'ping',
        'x-github-delivery': 'd-1',
      },
      secret
    );
    expect(delivery).toEqual({ id: 'd-1', name: 'ping', event: { type: 'ping', zen: 'Hello, World!', hookId: null } });
  });

  it('refuses a bad signature, a tampered body, a missing header and a wrong secret', () => {
    const body = JSON.stringify({ zen: 'x' });
    const headers = { 'x-hub-signature-256': signTrackerWebhook(body, secret), 'x-github-event': 'ping', 'x-github-delivery': 'd-2' };
    const refused = expect.objectContaining({ code: 'AGENTRY_WEBHOOK_INVALID' });
    expect(() => verifyTrackerWebhook(body, { ...headers, 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, secret)).toThrow(refused);
    expect(() => verifyTrackerWebhook(`${body} `, headers, secret)).toThrow(refused);
    expect(() => verifyTrackerWebhook(body, { ...headers, 'x-hub-signature-256': undefined }, secret)).toThrow(refused);
    expect(() => verifyTrackerWebhook(body, { ...headers, 'x-hub-signature-256': 'sha1=abc' }, secret)).toThrow(refused);
    expect(() => verifyTrackerWebhook(body, headers, 'another secret')).toThrow(refused);
    expect(() => verifyTrackerWebhook(body, headers, '')).toThrow(expect.objectContaining({ code: 'AGENTRY_INVALID_OPTIONS' }));
  });

  it('reads headers from a fetch Headers object and from raw bytes', () => {
    const body = new TextEncoder().encode('{"zen":"bytes"}');
    const headers = new Headers({
      'X-Hub-Signature-256': signTrackerWebhook(body, secret),
      'X-GitHub-Event': 'ping',
      'X-GitHub-Delivery': 'd-3',
    });
    expect(verifyTrackerWebhook(body, headers, secret).event).toMatchObject({ type: 'ping', zen: 'bytes' });
  });

  it('receives signed deliveries from the fake tracker over HTTP and parses them into typed events', async () => {
    const received: TrackerWebhookDelivery[] = [];
    const refusals: string[] = [];
    const receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        try {
          received.push(verifyTrackerWebhook(Buffer.concat(chunks), request.headers, secret));
          response.writeHead(204).end();
        } catch (error) {
          refusals.push((error as { code: string }).code);
          response.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const tracker = await startFakeTracker({ token: 't' });
    try {
      tracker.webhooks = { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, secret };
      const runtime = createRuntime({
        packs: [createProjectTrackerPack({ owner: 'acme', repo: 'widgets', token: 't', baseUrl: tracker.baseUrl })],
      });
      await runtime.invoke({ agent: 'project-tracker', input: { op: 'create', title: 'Webhook me' }, tenant: 'acme' });
      await runtime.invoke({ agent: 'project-tracker', input: { op: 'comment', number: 9, body: 'hi' }, tenant: 'acme' });
      await runtime.invoke({ agent: 'project-tracker', input: { op: 'transition', number: 9, state: 'closed' }, tenant: 'acme' });
      // A delivery signed with another secret is refused by the receiver.
      tracker.webhooks.secret = 'not the secret';
      await runtime.invoke({ agent: 'project-tracker', input: { op: 'transition', number: 9, state: 'open' }, tenant: 'acme' });
      expect(await Promise.all(tracker.deliveries)).toEqual([204, 204, 204, 400]);
    } finally {
      await tracker.close();
      await new Promise((resolve) => receiver.close(resolve));
    }
    expect(refusals).toEqual(['AGENTRY_WEBHOOK_INVALID']);
    expect(
      received.map((delivery) => [delivery.name, delivery.event.type, 'action' in delivery.event ? delivery.event.action : ''])
    ).toEqual([
      ['issues', 'issues', 'opened'],
      ['issue_comment', 'issue_comment', 'created'],
      ['issues', 'issues', 'closed'],
    ]);
    const comment = received[1]!.event;
    expect(comment.type === 'issue_comment' && [comment.issue.number, comment.comment.body, comment.repository]).toEqual([
      9,
      'hi',
      'acme/widgets',
    ]);
  });
});

describe('parseTrackerEvent', () => {
  it('keeps unmodelled events as unknown and refuses malformed known ones', () => {
    expect(parseTrackerEvent('star', { action: 'created' })).toEqual({ type: 'unknown', name: 'star', payload: { action: 'created' } });
    expect(() => parseTrackerEvent('issues', { action: 'opened' })).toThrow(expect.objectContaining({ code: 'AGENTRY_WEBHOOK_INVALID' }));
  });
});

describe('parseLinkHeader and rateLimitDelay', () => {
  it('parses GitHub Link headers, including several relations on one link', () => {
    expect(parseLinkHeader('<https://a/x?page=2>; rel="next", <https://a/x?page=9>; rel="last"')).toEqual({
      next: 'https://a/x?page=2',
      last: 'https://a/x?page=9',
    });
    expect(parseLinkHeader('<https://a/x?page=2>; rel="next last"')).toEqual({ next: 'https://a/x?page=2', last: 'https://a/x?page=2' });
    expect(parseLinkHeader(undefined)).toEqual({});
  });

  it('computes waits from Retry-After (seconds or date), then the reset time, and ignores plain 403s', () => {
    const now = Date.UTC(2025, 0, 1);
    expect(rateLimitDelay(429, { 'retry-after': '3' }, now)).toBe(3_000);
    expect(rateLimitDelay(429, { 'retry-after': new Date(now + 4_000).toUTCString() }, now)).toBe(4_000);
    expect(rateLimitDelay(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 9) }, now)).toBe(9_000);
    expect(rateLimitDelay(429, {}, now)).toBe(60_000);
    expect(rateLimitDelay(403, { 'x-ratelimit-remaining': '12' }, now)).toBeUndefined();
    expect(rateLimitDelay(500, { 'retry-after': '3' }, now)).toBeUndefined();
  });
});
