import { echoPack, summarizePack } from '@agentry/task-packs';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTaskPack } from '../core/task-pack';
import { createGate, keyB, readStream, startTestServer, type ReceivedEvent, type TestServer } from './server-test-kit';

const text =
  'Agentry runs agents in production. It meters every call and enforces budgets. ' +
  'Streams can be resumed after a network cut. Jobs deliver signed webhooks when they finish.';

/** Streams `count` numbered deltas, pausing at `pauseAt` until the test opens the gate. */
function countingPack(gate: Promise<void>, pauseAt: number, count = 10) {
  return defineTaskPack({
    id: 'counter',
    version: '1.0.0',
    description: 'Streams numbered deltas.',
    streaming: true,
    input: z.object({}),
    output: z.object({ total: z.number() }),
    async *handler() {
      for (let index = 1; index <= count; index++) {
        if (index === pauseAt) await gate;
        yield { type: 'text-delta' as const, text: `d${index} ` };
      }
      return { total: count };
    },
  });
}

const failingStreamPack = defineTaskPack({
  id: 'fails-midway',
  version: '1.0.0',
  description: 'Streams one delta, then throws.',
  streaming: true,
  input: z.object({}),
  output: z.object({}),
  async *handler() {
    yield { type: 'text-delta' as const, text: 'partial' };
    throw new Error('model went away');
  },
});

let running: TestServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

function seqOf(event: ReceivedEvent): number {
  return Number(event.id!.split('.').pop());
}

describe('POST /v1/agents/{agent}/stream', () => {
  it('streams summarize as SSE with id lines and events in protocol order', async () => {
    running = await startTestServer({ packs: [summarizePack] });
    const stream = await readStream(`${running.url}/v1/agents/summarize/stream`, { input: { text } }, { headers: { 'x-request-id': 'sse-1' } });
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream');
    expect(stream.headers['cache-control']).toBe('no-cache');
    expect(stream.headers['x-accel-buffering']).toBe('no');
    expect(stream.headers['x-request-id']).toBe('sse-1');

    const types = stream.events.map((event) => event.event);
    expect(types[0]).toBe('start');
    expect(types.slice(-2)).toEqual(['usage', 'result']);
    expect(types.slice(1, -2).length).toBeGreaterThan(0);
    expect(new Set(types.slice(1, -2))).toEqual(new Set(['text-delta']));
    for (const event of stream.events) expect(event.data.type).toBe(event.event);

    const streamId = stream.events[0]!.id!.split('.')[0]!;
    expect(streamId).toMatch(/^str_/);
    expect(stream.events.map((event) => event.id)).toEqual(stream.events.map((_, index) => `${streamId}.${index + 1}`));
    expect(stream.text).toMatch(/^id: str_\w+\.1\nevent: start\ndata: \{"type":"start"/);

    const deltas = stream.events.filter((event) => event.event === 'text-delta').map((event) => event.data.text).join('');
    const result = stream.events.at(-1)!.data.result;
    expect(result.output.summary).toBe(deltas.trim());
    expect(result.requestId).toBe('sse-1');
  });

  it('answers a failure before the first event with a plain JSON error', async () => {
    running = await startTestServer({ packs: [echoPack] });
    const invalid = await running.post('/v1/agents/echo/stream', { input: { text: 1 } });
    expect(invalid.status).toBe(400);
    expect(invalid.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(invalid.json.error.code).toBe('AGENTRY_INVALID_INPUT');
    expect((await running.post('/v1/agents/missing/stream', { input: {} })).status).toBe(404);
  });

  it('turns a failure after the stream began into a final error event', async () => {
    running = await startTestServer({ packs: [failingStreamPack] });
    const stream = await readStream(`${running.url}/v1/agents/fails-midway/stream`, { input: {} });
    expect(stream.status).toBe(200);
    expect(stream.events.map((event) => event.event)).toEqual(['start', 'text-delta', 'error']);
    expect(stream.events[2]!.data.error).toMatchObject({ code: 'AGENTRY_HANDLER_FAILED', requestId: stream.headers['x-request-id'] });
    expect(stream.text).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it('sends : ping comments while the stream is idle', async () => {
    const gate = createGate();
    running = await startTestServer({ packs: [countingPack(gate.promise, 2, 3)], streams: { pingIntervalMs: 20 } });
    const comments: string[] = [];
    const reading = readStream(`${running.url}/v1/agents/counter/stream`, { input: {} }, { onComment: (comment) => comments.push(comment) });
    await new Promise((resolve) => setTimeout(resolve, 120));
    gate.open();
    const stream = await reading;
    expect(comments.length).toBeGreaterThan(0);
    expect(comments[0]!.trim()).toBe('ping');
    expect(stream.events.at(-1)!.event).toBe('result');
  });
});

describe('resuming a stream with Last-Event-ID', () => {
  it('delivers each remaining event exactly once after a cut mid-way', async () => {
    const gate = createGate();
    running = await startTestServer({ packs: [countingPack(gate.promise, 4)] });
    const url = `${running.url}/v1/agents/counter/stream`;
    // The cut: the client drops the connection after 3 events, while the agent is still working.
    const first = await readStream(url, { input: {} }, { stopAfter: 3 });
    expect(first.events.map((event) => event.event)).toEqual(['start', 'text-delta', 'text-delta']);
    gate.open();

    const resumed = await readStream(url, { input: {} }, { headers: { 'last-event-id': first.events.at(-1)!.id! } });
    expect(resumed.status).toBe(200);
    const all = [...first.events, ...resumed.events];
    expect(all.map(seqOf)).toEqual(all.map((_, index) => index + 1));
    const deltas = all.filter((event) => event.event === 'text-delta').map((event) => event.data.text);
    expect(deltas).toEqual(Array.from({ length: 10 }, (_, index) => `d${index + 1} `));
    expect(all.at(-1)!.event).toBe('result');
    expect(all.filter((event) => event.event === 'result')).toHaveLength(1);
  });

  it('replays a finished stream within the replay window', async () => {
    running = await startTestServer({ packs: [summarizePack] });
    const url = `${running.url}/v1/agents/summarize/stream`;
    const full = await readStream(url, { input: { text } });
    const resumed = await readStream(url, { input: { text } }, { headers: { 'last-event-id': full.events[1]!.id! } });
    expect(resumed.events.map((event) => event.id)).toEqual(full.events.slice(2).map((event) => event.id));
    const nothingLeft = await readStream(url, { input: { text } }, { headers: { 'last-event-id': full.events.at(-1)!.id! } });
    expect(nothingLeft.status).toBe(200);
    expect(nothingLeft.events).toEqual([]);
  });

  it("answers 410 AGENTRY_STREAM_EXPIRED for another tenant's stream, an unknown one and an expired one", async () => {
    running = await startTestServer({ packs: [summarizePack], streams: { replayWindowMs: 30 } });
    const url = `${running.url}/v1/agents/summarize/stream`;
    const full = await readStream(url, { input: { text } });
    const lastId = full.events[1]!.id!;

    const otherTenant = await running.post('/v1/agents/summarize/stream', { input: { text } }, { authorization: `Bearer ${keyB}`, 'last-event-id': lastId });
    expect(otherTenant.status).toBe(410);
    expect(otherTenant.json.error.code).toBe('AGENTRY_STREAM_EXPIRED');

    const unknown = await running.post('/v1/agents/summarize/stream', { input: { text } }, { 'last-event-id': 'str_doesnotexist.3' });
    expect(unknown.status).toBe(410);
    // Another tenant's stream answers exactly like one that never existed.
    const { requestId: _a, message: messageA, ...restA } = otherTenant.json.error;
    const { requestId: _b, message: messageB, ...restB } = unknown.json.error;
    expect(restA).toEqual(restB);
    expect(messageA.replace(lastId.split('.')[0]!, 'ID')).toBe(messageB.replace('str_doesnotexist', 'ID'));

    await new Promise((resolve) => setTimeout(resolve, 80));
    expect((await running.post('/v1/agents/summarize/stream', { input: { text } }, { 'last-event-id': lastId })).status).toBe(410);
  });

  it('refuses a malformed Last-Event-ID with 400', async () => {
    running = await startTestServer({ packs: [summarizePack] });
    const response = await running.post('/v1/agents/summarize/stream', { input: { text } }, { 'last-event-id': 'garbage' });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('AGENTRY_INVALID_REQUEST');
  });
});
