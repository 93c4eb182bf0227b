// Helpers for the server's own tests: start a server on a free loopback port, call it with
// undici, read SSE with eventsource-parser. Not part of the public surface.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { request, type Dispatcher } from 'undici';
import { createServer, type AgentryServer } from './create-server';
import type { ServerOptions } from './server-options';

export const keyA = 'test-key-tenant-a';
export const keyB = 'test-key-tenant-b';
export const testApiKeys = { [keyA]: { tenant: 'tenant-a' }, [keyB]: { tenant: 'tenant-b' } };

export interface TestServer {
  server: AgentryServer;
  url: string;
  /** A JSON POST with tenant A's key unless headers say otherwise. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  /** A GET (or other bodiless method) with tenant A's key unless headers say otherwise. */
  call(method: Dispatcher.HttpMethod, path: string, headers?: Record<string, string>): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

/** Starts a server on 127.0.0.1 and a free port with the test API keys. */
export async function startTestServer(options: Omit<ServerOptions, 'apiKeys'> & { apiKeys?: ServerOptions['apiKeys'] }): Promise<TestServer> {
  const server = createServer({ apiKeys: testApiKeys, ...options });
  const { url } = await server.listen({ port: 0 });
  const send = async (method: Dispatcher.HttpMethod, path: string, body: string | undefined, headers: Record<string, string>): Promise<TestResponse> => {
    const response = await request(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${keyA}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.body.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.statusCode, headers: response.headers, text, json };
  };
  return {
    server,
    url,
    post: (path, body, headers = {}) => send('POST', path, typeof body === 'string' ? body : JSON.stringify(body), headers),
    call: (method, path, headers = {}) => send(method, path, undefined, headers),
    close: () => server.close({ timeoutMs: 2_000 }),
  };
}

/** An SSE event as received, with its data parsed. */
export interface ReceivedEvent {
  id: string | undefined;
  event: string | undefined;
  data: any;
}

/**
 * Opens an SSE stream and collects its events until it ends, or until `stopAfter` events when
 * given (then the connection is cut, as a network failure would).
 */
export async function readStream(
  url: string,
  body: unknown,
  options: { headers?: Record<string, string>; stopAfter?: number; onComment?: (comment: string) => void } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; events: ReceivedEvent[]; text: string }> {
  const controller = new AbortController();
  const response = await request(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${keyA}`, 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  const events: ReceivedEvent[] = [];
  let text = '';
  const parser = createParser({
    onEvent: (message: EventSourceMessage) => events.push({ id: message.id, event: message.event, data: JSON.parse(message.data) }),
    onComment: (comment) => options.onComment?.(comment),
  });
  try {
    for await (const chunk of response.body) {
      const piece = chunk.toString('utf8');
      text += piece;
      parser.feed(piece);
      if (options.stopAfter !== undefined && events.length >= options.stopAfter) {
        controller.abort();
        break;
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  return { status: response.statusCode, headers: response.headers, events: options.stopAfter === undefined ? events : events.slice(0, options.stopAfter), text };
}

/** A promise opened from outside: for handlers that must wait for the test. */
export function createGate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Polls `check` until it returns a value other than undefined (tests only; bounded). */
export async function waitFor<Value>(check: () => Value | undefined | Promise<Value | undefined>, timeoutMs = 5_000): Promise<Value> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('waitFor: condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
