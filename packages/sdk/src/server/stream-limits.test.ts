import { echoPack } from '@agentry/task-packs';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTaskPack } from '../core/task-pack';
import { createServer } from './create-server';
import { createGate, readStream, startTestServer, testApiKeys, waitFor, type TestServer } from './server-test-kit';

/** Streams one delta, then waits for the gate (or for its run to be aborted). */
function waitingPack(gate: Promise<void>, seen: { aborted?: unknown } = {}) {
  return defineTaskPack({
    id: 'waiting',
    version: '1.0.0',
    description: 'Streams one delta, then waits.',
    streaming: true,
    input: z.object({}),
    output: z.object({ done: z.boolean() }),
    async *handler(_input, context) {
      yield { type: 'text-delta' as const, text: 'first' };
      await new Promise<void>((resolve, reject) => {
        void gate.then(resolve);
        context.signal.addEventListener('abort', () => {
          seen.aborted = context.signal.reason;
          reject(context.signal.reason);
        });
      });
      return { done: true };
    },
  });
}

let running: TestServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('limits.maxConcurrentStreams', () => {
  it('refuses a stream past the limit with 503 AGENTRY_UNAVAILABLE and Retry-After, and takes one again once a stream ended', async () => {
    const gate = createGate();
    running = await startTestServer({ packs: [waitingPack(gate.promise), echoPack], limits: { maxConcurrentStreams: 1 } });
    // Cut after its first event, the stream runs on (for a resume) and keeps its place.
    const first = await readStream(`${running.url}/v1/agents/waiting/stream`, { input: {} }, { stopAfter: 1 });
    expect(first.status).toBe(200);

    const refused = await running.post('/v1/agents/echo/stream', { input: { text: 'refused' } });
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.json.error).toMatchObject({ code: 'AGENTRY_UNAVAILABLE' });
    expect(refused.json.error.message).toContain('limits.maxConcurrentStreams');
    // Invoke is not a stream: it still runs.
    expect((await running.post('/v1/agents/echo/invoke', { input: { text: 'fine' } })).status).toBe(200);

    gate.open();
    await waitFor(async () => ((await running!.post('/v1/agents/echo/stream', { input: { text: 'probe' } })).status === 200 ? true : undefined));
    const next = await readStream(`${running.url}/v1/agents/echo/stream`, { input: { text: 'again' } });
    expect(next.status).toBe(200);
    expect(next.events.at(-1)!.event).toBe('result');
  });

  it('does not count resumes of a running stream against the limit', async () => {
    const gate = createGate();
    running = await startTestServer({ packs: [waitingPack(gate.promise)], limits: { maxConcurrentStreams: 1 } });
    const url = `${running.url}/v1/agents/waiting/stream`;
    const cut = await readStream(url, { input: {} }, { stopAfter: 1 });
    // The run still waits, holding the one place; its resume is served all the same.
    const resumed = readStream(url, { input: {} }, { headers: { 'last-event-id': cut.events[0]!.id! } });
    const refused = await running.post('/v1/agents/waiting/stream', { input: {} });
    expect(refused.status).toBe(503);
    gate.open();
    const events = (await resumed).events.map((event) => event.event);
    expect(events).toEqual(['text-delta', 'usage', 'result']);
  });
});

describe('limits.maxStreamDurationMs', () => {
  it('ends a stream that runs too long with an AGENTRY_TIMEOUT error event and aborts its run', async () => {
    const seen: { aborted?: unknown } = {};
    running = await startTestServer({ packs: [waitingPack(new Promise(() => {}), seen)], limits: { maxStreamDurationMs: 50 } });
    const stream = await readStream(`${running.url}/v1/agents/waiting/stream`, { input: {} }, { headers: { 'x-request-id': 'long-1' } });
    expect(stream.status).toBe(200);
    expect(stream.events.map((event) => event.event)).toEqual(['start', 'text-delta', 'error']);
    expect(stream.events.at(-1)!.data.error).toMatchObject({ code: 'AGENTRY_TIMEOUT', requestId: 'long-1' });
    expect(stream.events.at(-1)!.data.error.message).toContain('limits.maxStreamDurationMs');
    await waitFor(() => seen.aborted);
    expect(seen.aborted).toMatchObject({ code: 'AGENTRY_TIMEOUT' });
  });
});

describe('streams.maxRetainedStreams', () => {
  it('keeps only the most recently finished streams for resumes: an older one answers 410', async () => {
    running = await startTestServer({ packs: [echoPack], streams: { maxRetainedStreams: 1 } });
    const url = `${running.url}/v1/agents/echo/stream`;
    const older = await readStream(url, { input: { text: 'older' } });
    const newer = await readStream(url, { input: { text: 'newer' } });
    const resumeOlder = await running.post('/v1/agents/echo/stream', { input: { text: 'older' } }, { 'last-event-id': older.events[0]!.id! });
    expect(resumeOlder.status).toBe(410);
    expect(resumeOlder.json.error.code).toBe('AGENTRY_STREAM_EXPIRED');
    const resumeNewer = await readStream(url, { input: { text: 'newer' } }, { headers: { 'last-event-id': newer.events[0]!.id! } });
    expect(resumeNewer.status).toBe(200);
    expect(resumeNewer.events.at(-1)!.event).toBe('result');
  });
});

describe('stream limit options', () => {
  it('refuses limits that are not whole numbers in range with AGENTRY_INVALID_OPTIONS naming the option', () => {
    const make = (options: object) => () => createServer({ packs: [], apiKeys: testApiKeys, ...options });
    expect(make({ limits: { maxConcurrentStreams: 0 } })).toThrow(/limits\.maxConcurrentStreams/);
    expect(make({ limits: { maxStreamDurationMs: 1.5 } })).toThrow(/limits\.maxStreamDurationMs/);
    expect(make({ streams: { maxRetainedStreams: -1 } })).toThrow(/streams\.maxRetainedStreams/);
    expect(make({ streams: { maxRetainedStreams: 0 } })).not.toThrow();
  });
});
