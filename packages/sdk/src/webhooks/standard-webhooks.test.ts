import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { createWebhookSecret, signWebhook, verifyWebhook } from './standard-webhooks';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const now = 1_700_000_000_000;
const body = '{"type":"job.succeeded","data":{"jobId":"job_1"}}';

describe('Standard Webhooks signatures', () => {
  it('matches the reference signature of the Standard Webhooks spec', () => {
    // Reference vector from the Standard Webhooks spec's own libraries' test suite.
    const headers = signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('accepts a delivery signed with the secret and returns the payload', () => {
    const headers = signWebhook(secret, 'msg_1', now / 1000, body);
    expect(verifyWebhook(body, headers, secret, { now: () => now })).toEqual(JSON.parse(body));
  });

  it('accepts Node-style lower-case header records with several signatures', () => {
    const good = signWebhook(secret, 'msg_1', now / 1000, body)['webhook-signature'];
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(now / 1000), 'webhook-signature': `v1,AAAA ${good}` };
    expect(verifyWebhook(Buffer.from(body), headers, secret, { now: () => now })).toBeTruthy();
  });

  it('refuses a bad signature', () => {
    const headers = signWebhook(createWebhookSecret(), 'msg_1', now / 1000, body);
    expect(() => verifyWebhook(body, headers, secret, { now: () => now })).toThrow(expect.objectContaining({ code: 'AGENTRY_WEBHOOK_INVALID' }));
  });

  it('refuses a body changed after signing', () => {
    const headers = signWebhook(secret, 'msg_1', now / 1000, body);
    expect(() => verifyWebhook(body.replace('job_1', 'job_2'), headers, secret, { now: () => now })).toThrow(/no webhook-signature matches/);
  });

  it('refuses a timestamp outside the tolerance, in both directions', () => {
    const old = signWebhook(secret, 'msg_1', now / 1000 - 301, body);
    const future = signWebhook(secret, 'msg_1', now / 1000 + 301, body);
    expect(() => verifyWebhook(body, old, secret, { now: () => now })).toThrow(/outside the 300s tolerance/);
    expect(() => verifyWebhook(body, future, secret, { now: () => now })).toThrow(/outside the 300s tolerance/);
  });

  it('refuses a delivery with a missing header', () => {
    const { 'webhook-id': _id, ...rest } = signWebhook(secret, 'msg_1', now / 1000, body);
    expect(() => verifyWebhook(body, rest, secret, { now: () => now })).toThrow(expect.objectContaining({ code: 'AGENTRY_WEBHOOK_INVALID' }));
  });

  it('signs HMAC-SHA256 over id.timestamp.body with the base64-decoded secret', () => {
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`msg_9.123.${body}`).digest('base64');
    expect(signWebhook(secret, 'msg_9', 123, body)['webhook-signature']).toBe(`v1,${expected}`);
  });
});
