// Client middleware around the HTTP transport may rewrite what is sent: the server must get the
// call as the chain left it, for invoke and stream alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createMemoryUsageSink, meterMiddleware, type Middleware } from '@agentry/sdk';
import { createServer } from '@agentry/sdk/server';
import { echoPack, summarizePack } from '@agentry/task-packs';

const sink = createMemoryUsageSink();
const meter = meterMiddleware({ sink });
const server = createServer({ packs: [echoPack, summarizePack], apiKeys: { 'key-a': { tenant: 'acme' } }, middleware: [meter] });
let url: string;

beforeAll(async () => {
  ({ url } = await server.listen({ port: 0 }));
});
afterAll(() => server.close());

/** Tags every call with a region and the end user, and pins the version: what a gateway-side policy would do. */
const tagRegion: Middleware = {
  name: 'tag-region',
  handle: (invocation, next) =>
    next({ ...invocation, subject: 'user-7', version: '1.0.0', metadata: { ...invocation.metadata, region: 'eu-west-1' } }),
};

describe('client middleware over HTTP', () => {
  it('sends the subject, metadata and version the chain set, on invoke and on stream', async () => {
    const client = createClient({ baseUrl: url, apiKey: 'key-a', middleware: [tagRegion], retry: { limit: 0 } });
    const invoked = await client.invoke('echo', { text: 'hi' }, { metadata: { feature: 'inbox' } });
    const events = [];
    for await (const event of client.stream('summarize', { text: 'One sentence. Another sentence.' })) events.push(event);
    await meter.flush();

    expect(invoked.version).toBe('1.0.0');
    const records = sink.records().slice(-2);
    expect(records.map((record) => [record.agent, record.subject, record.metadata])).toEqual([
      ['echo', 'user-7', { feature: 'inbox', region: 'eu-west-1' }],
      ['summarize', 'user-7', { region: 'eu-west-1' }],
    ]);
    expect(events.at(-1)?.type).toBe('result');
  });

  it('cancels the request when a middleware hands down its own signal and aborts it', async () => {
    const controller = new AbortController();
    const cutOff: Middleware = { name: 'cut-off', handle: (invocation, next) => next({ ...invocation, signal: controller.signal }) };
    const client = createClient({ baseUrl: url, apiKey: 'key-a', middleware: [cutOff], retry: { limit: 0 } });
    controller.abort(new Error('the chain gave up'));
    await expect(client.invoke('echo', { text: 'hi' })).rejects.toMatchObject({ code: 'AGENTRY_CANCELLED' });
  });
});
