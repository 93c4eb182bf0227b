import { afterEach, describe, expect, it } from 'vitest';
import { createClient, isAgentryError, type AgentryError, type StreamEvent } from '@agentry/sdk';
import { sampleResult, sse, startFakeHttpServer, type FakeHttpServer } from '../support/fake-http-server';

let server: FakeHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function failure(promise: Promise<unknown>): Promise<AgentryError> {
  try {
    await promise;
  } catch (error) {
    expect(isAgentryError(error)).toBe(true);
    return error as AgentryError;
  }
  throw new Error('expected the call to fail');
}

describe('HTTP client retries', () => {
  it('retries a 503 with Retry-After and succeeds, reusing the idempotency key and request id', async () => {
    server = await startFakeHttpServer((_request, response, _body, index) => {
      if (index === 0) {
        response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' });
        response.end(JSON.stringify({ error: { code: 'AGENTRY_UNAVAILABLE', message: 'busy', hint: 'later' } }));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(sampleResult()));
    });
    const client = createClient({ baseUrl: server.url, apiKey: 'k' });
    const result = await client.invoke('echo', { text: 'ok' });
    expect(result.output).toEqual({ text: 'ok' });
    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests;
    expect(first!.headers['idempotency-key']).toMatch(/^idk_/);
    expect(second!.headers['idempotency-key']).toBe(first!.headers['idempotency-key']);
    expect(second!.headers['x-request-id']).toBe(first!.headers['x-request-id']);
    expect(first!.headers.authorization).toBe('Bearer k');
  });

  it('waits as long as Retry-After asks before retrying', async () => {
    const arrivals: number[] = [];
    server = await startFakeHttpServer((_request, response, _body, index) => {
      arrivals.push(performance.now());
      if (index === 0) {
        response.writeHead(503, { 'content-type': 'application/json', 'retry-after-ms': '300' });
        response.end(JSON.stringify({ error: { code: 'AGENTRY_UNAVAILABLE', message: 'busy', hint: 'later' } }));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(sampleResult()));
    });
    const client = createClient({ baseUrl: server.url, retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    await client.invoke('echo', { text: 'ok' });
    expect(arrivals).toHaveLength(2);
    // The server's delay, not the (1 ms) backoff: the retry never comes early.
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(290);
  });

  it('fails at once, without retrying, when Retry-After asks for longer than maxRetryAfterMs', async () => {
    server = await startFakeHttpServer((_request, response) => {
      response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '120' });
      response.end(JSON.stringify({ error: { code: 'AGENTRY_UNAVAILABLE', message: 'down for maintenance', hint: 'later' } }));
    });
    const client = createClient({ baseUrl: server.url, retry: { maxRetryAfterMs: 1_000 } });
    const error = await failure(client.invoke('echo', { text: 'ok' }));
    expect(error).toMatchObject({ code: 'AGENTRY_UNAVAILABLE', retryable: true, retryAfterSeconds: 120 });
    expect(server.requests).toHaveLength(1);
  });

  it('never re-sends a stream once an event has reached the caller, even for a retryable error', async () => {
    server = await startFakeHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      sse(response, 'str_r.1', { type: 'start', id: 'inv_1', agent: 'summarize', version: '1.0.0', requestId: 'req_1' });
      sse(response, 'str_r.2', { type: 'text-delta', text: 'half an ans' });
      sse(response, 'str_r.3', { type: 'error', error: { code: 'AGENTRY_UNAVAILABLE', message: 'draining', hint: 'later', requestId: 'req_1' } });
      response.end();
    });
    const client = createClient({ baseUrl: server.url });
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const event of client.stream('summarize', { text: 'x' })) seen.push(event.type);
      })(),
    );
    expect(error.code).toBe('AGENTRY_UNAVAILABLE');
    expect(seen).toEqual(['start', 'text-delta']);
    expect(server.requests).toHaveLength(1);
  });

  it('never retries a non-retryable failure and keeps the server code, hint and request id', async () => {
    server = await startFakeHttpServer((_request, response) => {
      response.writeHead(400, { 'content-type': 'application/json', 'x-request-id': 'req_server' });
      response.end(JSON.stringify({ error: { code: 'AGENTRY_INVALID_INPUT', message: 'bad input', hint: 'fix text', requestId: 'req_server', details: [{ path: 'text', message: 'expected string' }] } }));
    });
    const client = createClient({ baseUrl: server.url });
    const error = await failure(client.invoke('echo', { text: 1 }));
    expect(error).toMatchObject({ code: 'AGENTRY_INVALID_INPUT', status: 400, retryable: false, hint: 'fix text', requestId: 'req_server' });
    expect(error.details).toEqual([{ path: 'text', message: 'expected string' }]);
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after the retry limit with the last retryable error', async () => {
    server = await startFakeHttpServer((_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' }).end('<html>bad gateway</html>');
    });
    const client = createClient({ baseUrl: server.url, retry: { limit: 2, baseDelayMs: 1 } });
    const error = await failure(client.invoke('echo', { text: 'x' }));
    expect(error).toMatchObject({ code: 'AGENTRY_UNAVAILABLE', status: 502, retryable: true });
    expect(server.requests).toHaveLength(3);
  });

  it('retries a refused connection as AGENTRY_CONNECTION_FAILED', async () => {
    const client = createClient({ baseUrl: 'http://127.0.0.1:9', retry: { limit: 1, baseDelayMs: 1 } });
    const error = await failure(client.invoke('echo', { text: 'x' }));
    expect(error.code).toBe('AGENTRY_CONNECTION_FAILED');
    expect(error.retryable).toBe(true);
  });

  it('ends an attempt at its deadline with AGENTRY_TIMEOUT', async () => {
    server = await startFakeHttpServer(() => {
      /* never answers */
    });
    const client = createClient({ baseUrl: server.url, timeout: { attemptMs: 100, totalMs: 250 }, retry: { limit: 5, baseDelayMs: 1 } });
    const started = Date.now();
    const error = await failure(client.invoke('echo', { text: 'x' }));
    expect(error.code).toBe('AGENTRY_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(250 + 100 + 200);
  });

  it('stops at once when the caller aborts, with AGENTRY_CANCELLED', async () => {
    server = await startFakeHttpServer(() => {});
    const client = createClient({ baseUrl: server.url });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(client.invoke('echo', { text: 'x' }, { signal: controller.signal }));
    expect(error.code).toBe('AGENTRY_CANCELLED');
    expect(error.retryable).toBe(false);
  });
});

describe('HTTP client streams', () => {
  const events = (count: number) =>
    Array.from({ length: count }, (_, index) => ({ type: 'text-delta', text: `t${index + 1} ` }));

  it('resumes a stream cut mid-way with Last-Event-ID and delivers each event exactly once', async () => {
    const deltas = events(6);
    server = await startFakeHttpServer((request, response, _body, index) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      if (index === 0) {
        sse(response, 'str_a.1', { type: 'start', id: 'inv_1', agent: 'summarize', version: '1.0.0', requestId: 'req_1' });
        deltas.slice(0, 3).forEach((delta, at) => sse(response, `str_a.${at + 2}`, delta));
        // Cut the connection in the middle of the stream.
        setTimeout(() => response.socket?.destroy(), 20);
        return;
      }
      const after = Number(String(request.headers['last-event-id']).split('.')[1]);
      // The server replays from after the given id; include one duplicate to prove de-duplication.
      const all = [
        { type: 'start', id: 'inv_1', agent: 'summarize', version: '1.0.0', requestId: 'req_1' },
        ...deltas,
        { type: 'result', result: sampleResult({ summary: 'done' }) },
      ];
      all.forEach((event, at) => {
        if (at + 1 >= after) sse(response, `str_a.${at + 1}`, event);
      });
      response.end();
    });
    const client = createClient({ baseUrl: server.url, retry: { baseDelayMs: 1 } });
    const received: StreamEvent[] = [];
    for await (const event of client.stream('summarize', { text: 'x' })) received.push(event);
    expect(received.map((event) => (event.type === 'text-delta' ? event.text : event.type))).toEqual([
      'start',
      't1 ',
      't2 ',
      't3 ',
      't4 ',
      't5 ',
      't6 ',
      'result',
    ]);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.headers['last-event-id']).toBe('str_a.4');
  });

  it('ends a stream that goes silent with AGENTRY_STREAM_STALLED within the idle deadline + 100 ms', async () => {
    server = await startFakeHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      sse(response, 'str_b.1', { type: 'start', id: 'inv_1', agent: 'summarize', version: '1.0.0', requestId: 'req_1' });
    });
    const client = createClient({ baseUrl: server.url, stall: { firstEventMs: 5_000, idleMs: 200 } });
    const stream = client.stream('summarize', { text: 'x' });
    let stalledAfter = 0;
    let lastEventAt = Date.now();
    const error = await failure(
      (async () => {
        for await (const _event of stream) lastEventAt = Date.now();
      })(),
    );
    stalledAfter = Date.now() - lastEventAt;
    expect(error.code).toBe('AGENTRY_STREAM_STALLED');
    expect(stalledAfter).toBeLessThan(200 + 100);
  });

  it('ends a stream whose first event never comes within the first-event deadline + 100 ms', async () => {
    server = await startFakeHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.flushHeaders();
    });
    const client = createClient({ baseUrl: server.url, stall: { firstEventMs: 200 } });
    const started = Date.now();
    const error = await failure(client.stream('summarize', { text: 'x' }).result());
    expect(error.code).toBe('AGENTRY_STREAM_STALLED');
    expect(Date.now() - started).toBeLessThan(200 + 100);
  });

  it('turns an error event into a thrown AgentryError with the server code', async () => {
    server = await startFakeHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      sse(response, 'str_c.1', { type: 'start', id: 'inv_1', agent: 'summarize', version: '1.0.0', requestId: 'req_1' });
      sse(response, 'str_c.2', { type: 'error', error: { code: 'AGENTRY_BUDGET_EXCEEDED', message: 'budget spent', hint: 'raise it', requestId: 'req_1' } });
      response.end();
    });
    const client = createClient({ baseUrl: server.url });
    const error = await failure(client.stream('summarize', { text: 'x' }).result());
    expect(error).toMatchObject({ code: 'AGENTRY_BUDGET_EXCEEDED', message: 'budget spent', requestId: 'req_1' });
  });
});

describe('HTTP client jobs', () => {
  it('polls a job with growing intervals until it succeeds', async () => {
    let polls = 0;
    server = await startFakeHttpServer((request, response) => {
      const job = { jobId: 'job_1', agent: 'echo', createdAt: 'now', updatedAt: 'now' };
      response.setHeader('content-type', 'application/json');
      if (request.method === 'POST') {
        response.writeHead(202).end(JSON.stringify({ ...job, status: 'queued' }));
        return;
      }
      polls++;
      const done = polls >= 3;
      response.writeHead(200).end(JSON.stringify({ ...job, status: done ? 'succeeded' : 'running', ...(done ? { result: sampleResult() } : {}) }));
    });
    const client = createClient({ baseUrl: server.url });
    const job = await client.submit('echo', { text: 'ok' });
    const result = await job.result({ pollIntervalMs: 5 });
    expect(result.output).toEqual({ text: 'ok' });
    expect(polls).toBe(3);
  });

  it('cancels a job with DELETE /v1/jobs/{id} and returns its cancelled state', async () => {
    server = await startFakeHttpServer((request, response) => {
      const job = { jobId: 'job_3', agent: 'echo', createdAt: 'now', updatedAt: 'now' };
      response.setHeader('content-type', 'application/json');
      if (request.method === 'POST') response.writeHead(202).end(JSON.stringify({ ...job, status: 'queued' }));
      else if (request.method === 'DELETE') response.writeHead(200).end(JSON.stringify({ ...job, status: 'cancelled', error: { code: 'AGENTRY_CANCELLED', message: 'cancelled', hint: 'h' } }));
      else response.writeHead(404).end();
    });
    const client = createClient({ baseUrl: server.url, apiKey: 'k' });
    const job = await client.submit('echo', { text: 'later' });
    expect(await job.cancel()).toMatchObject({ jobId: 'job_3', status: 'cancelled' });
    expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual(['POST /v1/agents/echo/jobs', 'DELETE /v1/jobs/job_3']);
    expect(server.requests[1]!.headers.authorization).toBe('Bearer k');
  });

  it('rejects with the job error when the job failed', async () => {
    server = await startFakeHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ jobId: 'job_2', agent: 'echo', createdAt: 'now', updatedAt: 'now', status: 'failed', error: { code: 'AGENTRY_HANDLER_FAILED', message: 'boom', hint: 'h' } }),
      );
    });
    const client = createClient({ baseUrl: server.url });
    const error = await failure(client.job('job_2').result());
    expect(error.code).toBe('AGENTRY_HANDLER_FAILED');
  });
});
