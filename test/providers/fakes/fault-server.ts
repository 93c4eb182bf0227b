import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';

/**
 * A fault the fake injects into one request, in the order injected; requests without one are
 * answered normally.
 * - `status`: an error answer (429 with Retry-After, 500, 529...) in the provider's error format
 * - `reset`: the socket is destroyed before any header is sent
 * - `hang`: headers never come (a non-streamed call's attempt deadline)
 * - `cut`: a 200 stream that stops after `afterEvents` SSE events with the socket destroyed
 * - `error-event`: a 200 stream whose event number `afterEvents + 1` is the provider's error event
 * - `stall`: a 200 stream that goes silent after `afterEvents` events, connection left open
 */
export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; errorType?: string; message?: string }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'cut'; afterEvents: number }
  | { kind: 'error-event'; afterEvents: number; errorType: string; message?: string }
  | { kind: 'stall'; afterEvents: number };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
  /** ms since the server started, to check Retry-After was waited for. */
  at: number;
}

/** How a provider's fake speaks: its answers, its SSE frames and its error format. */
export interface WireDialect {
  /** Request id header name and value prefix. */
  requestIdHeader: string;
  /** The JSON answer of a non-streamed request; undefined for an unknown route (404). */
  json(request: RecordedRequest): unknown;
  /** The SSE frames of a streamed request, each a complete `event:`/`data:` block ending with a blank line. */
  frames(request: RecordedRequest): string[];
  /** The body of an error answer. */
  errorBody(status: number, errorType: string | undefined, message: string | undefined, requestId: string): unknown;
  /** The frame of an error sent inside a 200 stream. */
  errorFrame(errorType: string, message: string | undefined): string;
  /** Whether the request asked for a stream. */
  isStream(request: RecordedRequest): boolean;
  /** Whether the request carries a key where the provider reads one; otherwise the fake answers 401. */
  hasKey(request: RecordedRequest): boolean;
}

export interface FaultServer {
  url: string;
  requests: RecordedRequest[];
  /** Queues faults for the next requests, one per request. */
  inject(...faults: Fault[]): void;
  close(): Promise<void>;
}

/** Starts a 127.0.0.1 server on a free port speaking `dialect`, with fault injection. */
export async function startFaultServer(dialect: WireDialect): Promise<FaultServer> {
  const started = Date.now();
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const server = createServer(async (incoming, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const request: RecordedRequest = {
      method: incoming.method ?? '',
      path: incoming.url ?? '',
      headers: incoming.headers,
      body: text === '' ? undefined : JSON.parse(text),
      at: Date.now() - started,
    };
    requests.push(request);
    const requestId = `req_fake${String(requests.length).padStart(4, '0')}`;
    await answer(dialect, request, faults.shift(), response, requestId);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    inject: (...more) => void faults.push(...more),
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

async function answer(dialect: WireDialect, request: RecordedRequest, fault: Fault | undefined, response: ServerResponse, requestId: string): Promise<void> {
  const idHeader = { [dialect.requestIdHeader]: requestId };
  if (fault?.kind === 'reset') return void response.socket?.destroy();
  if (fault?.kind === 'hang') return;
  if (!dialect.hasKey(request)) {
    response.writeHead(401, { 'content-type': 'application/json', ...idHeader });
    return void response.end(JSON.stringify(dialect.errorBody(401, undefined, 'invalid x-api-key', requestId)));
  }
  if (fault?.kind === 'status') {
    const body = dialect.errorBody(fault.status, fault.errorType, fault.message, requestId);
    response.writeHead(fault.status, { 'content-type': 'application/json', ...idHeader, ...fault.headers });
    return void response.end(JSON.stringify(body));
  }
  if (!dialect.isStream(request)) {
    const json = dialect.json(request);
    if (json === undefined) {
      response.writeHead(404, { 'content-type': 'application/json', ...idHeader });
      return void response.end(JSON.stringify(dialect.errorBody(404, undefined, `no route ${request.path}`, requestId)));
    }
    response.writeHead(200, { 'content-type': 'application/json', ...idHeader });
    return void response.end(JSON.stringify(json));
  }
  const frames = dialect.frames(request);
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...idHeader });
  response.flushHeaders();
  const limit = fault && 'afterEvents' in fault ? fault.afterEvents : frames.length;
  for (const frame of frames.slice(0, limit)) {
    response.write(frame);
    // Separate writes, as a real server flushes token by token.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (fault?.kind === 'cut') return void response.socket?.destroy();
  if (fault?.kind === 'stall') return; // silent; the client's deadline must end it
  if (fault?.kind === 'error-event') return void response.end(dialect.errorFrame(fault.errorType, fault.message));
  response.end();
}

/** What a fake answers: queued replies first, one per request, then `reply`. */
export interface ReplyState<Reply> {
  reply: Reply;
  queued: Reply[];
}

/** The reply of the request being answered. */
export function takeReply<Reply>(state: ReplyState<Reply>): Reply {
  return state.queued.shift() ?? state.reply;
}

/**
 * Adds `reply` (read and write: what the fake answers by default) and `queueReplies(...)` (answers
 * for the next requests, in order) to a server, plus `extra` fields.
 */
export function withReply<Reply, Extra extends object>(
  server: FaultServer,
  state: ReplyState<Reply>,
  extra: Extra,
): FaultServer & Extra & { reply: Reply; queueReplies(...replies: Reply[]): void } {
  Object.assign(server, extra, { queueReplies: (...replies: Reply[]) => void state.queued.push(...replies) });
  Object.defineProperty(server, 'reply', {
    get: () => state.reply,
    set: (value: Reply) => {
      state.reply = value;
    },
    enumerable: true,
  });
  return server as FaultServer & Extra & { reply: Reply; queueReplies(...replies: Reply[]): void };
}
