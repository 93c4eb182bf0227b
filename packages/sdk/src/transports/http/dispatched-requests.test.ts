import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { sendBuffered } from './buffered-request';
import { sendStreamed } from './streamed-request';
import { createHttpTransport } from './http-transport';

let server: Server | undefined;
let agent: Agent | undefined;
let connections = 0;

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  connections = 0;
  server = createServer(handler);
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  agent = new Agent({ keepAliveTimeout: 10_000 });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

afterEach(async () => {
  await agent?.close();
  server?.closeAllConnections();
  server?.close();
  server = undefined;
  agent = undefined;
});

const get = (origin: string, path = '/') => ({ origin, path, method: 'GET' as const });

describe('sendBuffered', () => {
  it('resolves with the status, the headers and the body as text, a leading BOM dropped', async () => {
    const origin = await serve((_request, response) => {
      response.writeHead(201, { 'x-answer': '42' });
      response.write(Buffer.from([0xef, 0xbb, 0xbf]));
      response.end('héllo');
    });
    const { status, headers, text } = await sendBuffered(agent!, get(origin)).response;
    expect(status).toBe(201);
    expect(headers['x-answer']).toBe('42');
    expect(text).toBe('héllo');
  });

  it('rejects with the abort reason, whether aborted before or after the request started', async () => {
    const origin = await serve(() => {
      /* never answers */
    });
    const early = sendBuffered(agent!, get(origin));
    early.abort('early');
    await expect(early.response).rejects.toBe('early');
    const late = sendBuffered(agent!, get(origin));
    setTimeout(() => late.abort('late'), 20);
    await expect(late.response).rejects.toBe('late');
  });

  it('rejects with the connection error when the server cuts the connection', async () => {
    const origin = await serve((request) => request.socket.destroy());
    await expect(sendBuffered(agent!, get(origin)).response).rejects.toMatchObject({ code: expect.stringMatching(/^UND_ERR|ECONNRESET/) });
  });
});

describe('sendStreamed', () => {
  it('hands over a 200 body as it arrives and reports its end', async () => {
    const origin = await serve((_request, response) => {
      response.writeHead(200);
      response.write('one,');
      setTimeout(() => response.end('two'), 20);
    });
    const request = sendStreamed(agent!, get(origin));
    expect((await request.head).status).toBe(200);
    let body = '';
    for (;;) {
      const chunk = request.take();
      if (chunk !== undefined) body += chunk.toString();
      else if (request.ended) break;
      else await request.ready();
    }
    expect(body).toBe('one,two');
  });

  it('gives a non-200 answer whole, with its body as text', async () => {
    const origin = await serve((_request, response) => {
      response.writeHead(503, { 'retry-after': '1' });
      response.end('{"error":{}}');
    });
    const head = await sendStreamed(agent!, get(origin)).head;
    expect(head).toMatchObject({ status: 503, text: '{"error":{}}' });
    expect(head.headers['retry-after']).toBe('1');
  });

  it('rejects ready() with the abort reason when cancelled mid-body', async () => {
    const origin = await serve((_request, response) => {
      response.writeHead(200);
      response.write('partial');
    });
    const request = sendStreamed(agent!, get(origin));
    await request.head;
    await request.ready();
    expect(request.take()?.toString()).toBe('partial');
    request.abort('stalled');
    await expect(request.ready()).rejects.toBe('stalled');
  });

  it('reads and drops the rest of a body it is done with, so the next request reuses the connection', async () => {
    const origin = await serve((_request, response) => {
      response.writeHead(200);
      response.write('last event');
      setTimeout(() => response.end(' and the end'), 10);
    });
    const first = sendStreamed(agent!, get(origin));
    await first.head;
    await first.ready();
    first.take();
    first.discard(128 * 1024);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = sendStreamed(agent!, get(origin));
    await second.head;
    expect(connections).toBe(1);
  });
});

describe('HTTP transport streams', () => {
  it("stop when the caller's signal aborts after the first events, with the caller's reason", async () => {
    const origin = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`id: s.1\ndata: ${JSON.stringify({ type: 'start', id: 'inv_1', agent: 'echo', version: '1.0.0', requestId: 'req_1' })}\n\n`);
      // Then silence, long before any stall deadline.
    });
    const transport = createHttpTransport({ baseUrl: origin, dispatcher: agent! });
    const controller = new AbortController();
    const received: string[] = [];
    const consume = (async () => {
      for await (const batch of transport.stream({ agent: 'echo', input: {}, requestId: 'req_1', idempotencyKey: 'idk_1', signal: controller.signal })) {
        for (const event of batch) received.push(event.type);
        controller.abort(new Error('caller went away'));
      }
    })();
    await expect(consume).rejects.toMatchObject({ message: expect.stringContaining('caller went away') });
    expect(received).toEqual(['start']);
  });
});
