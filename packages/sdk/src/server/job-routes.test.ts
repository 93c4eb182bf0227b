import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { echoPack } from '@agentry/task-packs';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Job, JobWebhookPayload } from '../contract';
import { defineTaskPack } from '../core/task-pack';
import { createWebhookSecret, verifyWebhook } from '../webhooks/standard-webhooks';
import { createGate, keyB, startTestServer, waitFor, type TestServer } from './server-test-kit';

/** A pack that waits for the test (or its signal) before answering, so tests see it running. */
function gatedPack() {
  const gate = createGate();
  const started = createGate();
  const pack = defineTaskPack({
    id: 'gated',
    version: '1.0.0',
    description: 'Waits for the test before answering.',
    input: z.object({ text: z.string() }),
    output: z.object({ text: z.string() }),
    async handler(input, context) {
      started.open();
      await Promise.race([
        gate.promise,
        new Promise((_, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true })),
      ]);
      return { text: input.text };
    },
  });
  return { pack, gate, started };
}

let running: TestServer | undefined;
const receivers: Array<{ close: () => void }> = [];
afterEach(async () => {
  await running?.close();
  running = undefined;
  for (const receiver of receivers.splice(0)) receiver.close();
});

async function jobStatus(server: TestServer, jobId: string): Promise<Job> {
  return (await server.call('GET', `/v1/jobs/${jobId}`)).json as Job;
}

describe('jobs', () => {
  it('goes queued -> running -> succeeded and is readable with GET', async () => {
    const { pack, gate, started } = gatedPack();
    running = await startTestServer({ packs: [pack] });
    const created = await running.post('/v1/agents/gated/jobs', { input: { text: 'work' } });
    expect(created.status).toBe(202);
    expect(created.json).toMatchObject({ agent: 'gated', status: 'queued' });
    expect(created.json.jobId).toMatch(/^job_/);

    await started.promise;
    const server = running;
    await waitFor(async () => ((await jobStatus(server, created.json.jobId)).status === 'running' ? true : undefined));
    gate.open();
    const done = await waitFor(async () => {
      const job = await jobStatus(server, created.json.jobId);
      return job.status === 'succeeded' ? job : undefined;
    });
    expect(done.result?.output).toEqual({ text: 'work' });
  });

  it('cancels a running job with DELETE and answers 200 with the cancelled job', async () => {
    const { pack, started } = gatedPack();
    running = await startTestServer({ packs: [pack] });
    const created = await running.post('/v1/agents/gated/jobs', { input: { text: 'never' } });
    await started.promise;
    const cancelled = await running.call('DELETE', `/v1/jobs/${created.json.jobId}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toMatchObject({ jobId: created.json.jobId, status: 'cancelled', error: { code: 'AGENTRY_CANCELLED' } });
    const server = running;
    await waitFor(async () => ((await jobStatus(server, created.json.jobId)).status === 'cancelled' ? true : undefined));
    const again = await running.call('DELETE', `/v1/jobs/${created.json.jobId}`);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('AGENTRY_JOB_FINISHED');
  });

  it("does not let tenant B read or cancel tenant A's job", async () => {
    const { pack, gate } = gatedPack();
    running = await startTestServer({ packs: [pack] });
    const created = await running.post('/v1/agents/gated/jobs', { input: { text: 'mine' } });
    const asB = { authorization: `Bearer ${keyB}` };
    const read = await running.call('GET', `/v1/jobs/${created.json.jobId}`, asB);
    const cancel = await running.call('DELETE', `/v1/jobs/${created.json.jobId}`, asB);
    const missing = await running.call('GET', '/v1/jobs/job_doesnotexist', asB);
    expect(read.status).toBe(404);
    expect(cancel.status).toBe(404);
    expect(read.json.error.code).toBe('AGENTRY_JOB_NOT_FOUND');
    expect(read.json.error.code).toBe(missing.json.error.code);
    expect((await jobStatus(running, created.json.jobId)).status).not.toBe('cancelled');
    gate.open();
  });

  it('delivers a signed webhook that verifyWebhook accepts when private targets are allowed', async () => {
    const secret = createWebhookSecret();
    const received = createGate();
    let delivery: { body: string; headers: IncomingMessage['headers'] } | undefined;
    const receiver = createHttpServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        delivery = { body: Buffer.concat(chunks).toString('utf8'), headers: request.headers };
        response.writeHead(204).end();
        received.open();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receivers.push({ close: () => receiver.close() });
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/agentry`;

    running = await startTestServer({ packs: [echoPack], webhooks: { secret, allowPrivateTargets: true, retryDelaysMs: [10] } });
    const created = await running.post('/v1/agents/echo/jobs', { input: { text: 'ping' }, webhook: { url: hook } });
    expect(created.status).toBe(202);
    await received.promise;
    const payload = verifyWebhook<JobWebhookPayload>(delivery!.body, delivery!.headers as Record<string, string>, secret);
    expect(payload.type).toBe('job.succeeded');
    expect(payload.data).toMatchObject({ jobId: created.json.jobId, status: 'succeeded', result: { output: { text: 'ping' } } });
    expect(() => verifyWebhook(delivery!.body, delivery!.headers as Record<string, string>, createWebhookSecret())).toThrow(/signature/);
  });

  it('refuses a loopback webhook target with 400 AGENTRY_WEBHOOK_TARGET_REFUSED by default', async () => {
    running = await startTestServer({ packs: [echoPack], webhooks: { secret: createWebhookSecret() } });
    const response = await running.post('/v1/agents/echo/jobs', { input: { text: 'x' }, webhook: { url: 'http://127.0.0.1:9/hook' } });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('AGENTRY_WEBHOOK_TARGET_REFUSED');
    const notHttp = await running.post('/v1/agents/echo/jobs', { input: { text: 'x' }, webhook: { url: 'file:///etc/passwd' } });
    expect(notHttp.status).toBe(400);
    expect(notHttp.json.error.details[0].path).toBe('webhook.url');
  });
});

describe('Idempotency-Key', () => {
  function countingEcho() {
    const calls = { count: 0 };
    const pack = defineTaskPack({
      id: 'counted',
      version: '1.0.0',
      description: 'Echo that counts its calls.',
      input: z.object({ text: z.string() }),
      output: z.object({ text: z.string(), call: z.number() }),
      handler: (input) => ({ text: input.text, call: ++calls.count }),
    });
    return { pack, calls };
  }

  it('returns the first invoke result for a retried request without running the handler twice', async () => {
    const { pack, calls } = countingEcho();
    running = await startTestServer({ packs: [pack] });
    const headers = { 'idempotency-key': 'order-7781-attempt' };
    const first = await running.post('/v1/agents/counted/invoke', { input: { text: 'once' } }, headers);
    const retry = await running.post('/v1/agents/counted/invoke', { input: { text: 'once' } }, headers);
    expect(first.status).toBe(200);
    expect(retry.json).toEqual(first.json);
    expect(calls.count).toBe(1);

    const conflict = await running.post('/v1/agents/counted/invoke', { input: { text: 'different' } }, headers);
    expect(conflict.status).toBe(409);
    expect(conflict.json.error.code).toBe('AGENTRY_IDEMPOTENCY_CONFLICT');
    // Keys are per tenant: B's use of the same key is a call of its own.
    const otherTenant = await running.post('/v1/agents/counted/invoke', { input: { text: 'once' } }, { ...headers, authorization: `Bearer ${keyB}` });
    expect(otherTenant.json.output.call).toBe(2);
  });

  it('returns the first job for a retried submit', async () => {
    const { pack, calls } = countingEcho();
    running = await startTestServer({ packs: [pack] });
    const headers = { 'idempotency-key': 'job-key-1' };
    const first = await running.post('/v1/agents/counted/jobs', { input: { text: 'job' } }, headers);
    const retry = await running.post('/v1/agents/counted/jobs', { input: { text: 'job' } }, headers);
    expect(retry.json.jobId).toBe(first.json.jobId);
    const server = running;
    await waitFor(async () => ((await jobStatus(server, first.json.jobId)).status === 'succeeded' ? true : undefined));
    expect(calls.count).toBe(1);
  });
});
