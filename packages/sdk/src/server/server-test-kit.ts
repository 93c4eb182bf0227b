// Helpers for the server's own tests: start a server on a free loopback port, call it with
// undici, read SSE with eventsource-parser. Not part of the public surface.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { request, type Dispatcher } from 'undici';
import { createServer, type AgentryServer } from './create-server';
import type { ServerOptions } from './server-options';
import { z } from 'zod';
import { defineTaskPack } from '../core/task-pack';

/** A pack whose handler always throws a plain Error: a call that fails with AGENTRY_HANDLER_FAILED. */
export const brokenPack = defineTaskPack({
  id: 'broken',
  version: '1.0.0',
  description: 'Always throws.',
  input: z.object({}),
  output: z.object({}),
  handler: () => {
    throw new Error('model went away');
  },
});

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

/** One sample line of a Prometheus text exposition. */
export interface ExpositionSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const helpLine = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/;
const typeLine = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/;
const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\})? ([^ ]+)(?: -?\d+)?$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/g;

/**
 * Parses the Prometheus text format (0.0.4) strictly: every line must be a HELP, a TYPE, a sample
 * of a family whose TYPE came before it (histograms as `_bucket`, `_sum`, `_count`), or blank.
 * Throws naming the first line that is not.
 */
export function parseExposition(text: string): ExpositionSample[] {
  if (!text.endsWith('\n')) throw new Error('exposition: the text must end with a line feed');
  const types = new Map<string, string>();
  const samples: ExpositionSample[] = [];
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '' || helpLine.test(line)) continue;
    const type = typeLine.exec(line);
    if (type !== null) {
      if (types.has(type[1]!)) throw new Error(`exposition: a second TYPE for ${type[1]}`);
      types.set(type[1]!, type[2]!);
      continue;
    }
    const sample = sampleLine.exec(line);
    if (sample === null) throw new Error(`exposition: not a HELP, TYPE or sample line: ${line}`);
    const [, name, labelText = '', valueText] = sample as unknown as [string, string, string | undefined, string];
    const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    if (types.get(family) === undefined) throw new Error(`exposition: sample ${name} has no TYPE before it`);
    if (family !== name && types.get(family) !== 'histogram' && types.get(family) !== 'summary') throw new Error(`exposition: ${name} is not a sample of ${family}`);
    // Prometheus reads NaN in any case (prom-client writes `Nan`), like Go's ParseFloat.
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : valueText.toLowerCase() === 'nan' ? Number.NaN : Number(valueText);
    if (Number.isNaN(value) && valueText.toLowerCase() !== 'nan') throw new Error(`exposition: ${name} has the value ${valueText}`);
    const labels: Record<string, string> = {};
    for (const [, labelName, labelValue] of labelText.matchAll(labelPair)) labels[labelName!] = labelValue!.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char));
    samples.push({ name, labels, value });
  }
  return samples;
}

/** The value of the sample `name` whose labels include `labels`; undefined when there is none. */
export function sampleValue(samples: readonly ExpositionSample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))?.value;
}
