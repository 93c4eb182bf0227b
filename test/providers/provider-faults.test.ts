import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ModelProvider } from '@agentry/sdk';
import { createAnthropicProvider, createOpenAICompatibleProvider, type ProviderRetryInfo } from '../../packages/sdk/src/providers';
import type { HttpProviderOptions } from '../../packages/sdk/src/providers/provider-settings';
import { helloReply as anthropicHello } from './fakes/anthropic-examples';
import { startAnthropicFake } from './fakes/anthropic-fake';
import type { FaultServer } from './fakes/fault-server';
import { helloReply as openAIHello } from './fakes/openai-examples';
import { startOpenAIFake } from './fakes/openai-fake';
import { drain, failure } from './stream-helpers';

// Every fault the fakes inject must end as documented in docs/providers.md: retried and
// succeeded, or a typed AgentryError within its deadline (+100 ms of scheduling slack).

type Extra = Omit<HttpProviderOptions, 'model'>;

interface Dialect {
  name: string;
  start(): Promise<FaultServer & { reply: unknown }>;
  make(server: FaultServer, extra: Extra, apiKey?: string): ModelProvider;
  reset(server: FaultServer & { reply: unknown }): void;
  /** SSE events before the first text delta (OpenAI: the role chunk; Anthropic: message_start, content_block_start, ping). */
  eventsBeforeText: number;
  /** SSE events up to and including the text "Hello!". */
  eventsThroughText: number;
  overloaded: string;
  rateLimited: string;
  invalid: string;
}

const dialects: Dialect[] = [
  {
    name: 'OpenAI-compatible',
    start: startOpenAIFake,
    make: (server, extra, apiKey = 'sk-test-secret-key-0001') =>
      createOpenAICompatibleProvider({ baseUrl: `${server.url}/v1`, apiKey, model: 'gpt-4o-mini', ...extra }),
    reset: (server) => void (server.reply = openAIHello),
    eventsBeforeText: 1,
    eventsThroughText: 3,
    overloaded: 'server_error',
    rateLimited: 'rate_limit_exceeded',
    invalid: 'invalid_request_error',
  },
  {
    name: 'Anthropic',
    start: startAnthropicFake,
    make: (server, extra, apiKey = 'sk-ant-secret-key-0001') =>
      createAnthropicProvider({ baseUrl: server.url, apiKey, model: 'claude-sonnet-4-5', ...extra }),
    reset: (server) => void (server.reply = anthropicHello),
    eventsBeforeText: 3,
    eventsThroughText: 5,
    overloaded: 'overloaded_error',
    rateLimited: 'rate_limit_error',
    invalid: 'invalid_request_error',
  },
];

const hello = { messages: [{ role: 'user' as const, content: 'Hello' }] };
const noJitter = { random: () => 0 };

describe.each(dialects)('$name provider under injected faults', (dialect) => {
  let server: FaultServer & { reply: unknown };
  let retries: ProviderRetryInfo[];
  const provider = (extra: Extra = {}) =>
    dialect.make(server, { ...extra, retry: { ...noJitter, onRetry: (info) => void retries.push(info), ...extra.retry } });
  const requestsSince = (count: number) => server.requests.length - count;

  beforeAll(async () => {
    server = await dialect.start();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    dialect.reset(server);
    retries = [];
  });

  it('waits for Retry-After on a 429, retries and succeeds', async () => {
    const before = server.requests.length;
    server.inject({ kind: 'status', status: 429, headers: { 'retry-after': '1' } });
    const { text, error } = await drain(provider().stream(hello));
    expect(error).toBeUndefined();
    expect(text.startsWith('Hello!')).toBe(true);
    expect(requestsSince(before)).toBe(2);
    expect(retries).toMatchObject([{ attempt: 1, delayMs: 1000, error: { code: 'AGENTRY_RATE_LIMITED' } }]);
    const [first, second] = server.requests.slice(before);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('honours retry-after-ms over Retry-After', async () => {
    server.inject({ kind: 'status', status: 429, headers: { 'retry-after-ms': '50', 'retry-after': '30' } });
    await provider().generate(hello);
    expect(retries.map((retry) => retry.delayMs)).toEqual([50]);
  });

  it('retries a 529 overloaded answer and succeeds', async () => {
    server.inject({ kind: 'status', status: 529 });
    const { error, events } = await drain(provider().stream(hello));
    expect(error).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ type: 'end' });
    expect(retries).toMatchObject([{ error: { code: 'AGENTRY_UPSTREAM_ERROR', retryable: true, details: { upstreamStatus: 529 } } }]);
  });

  it('retries a 500 then succeeds, for generate as for stream', async () => {
    server.inject({ kind: 'status', status: 500 }, { kind: 'status', status: 503 });
    const result = await provider().generate(hello);
    expect(result.text.startsWith('Hello')).toBe(true);
    expect(retries).toHaveLength(2);
  });

  it('retries a connection reset before the headers and succeeds', async () => {
    server.inject({ kind: 'reset' });
    const { error } = await drain(provider().stream(hello));
    expect(error).toBeUndefined();
    expect(retries).toMatchObject([{ error: { code: 'AGENTRY_CONNECTION_FAILED' } }]);
  });

  it('ends with AGENTRY_CONNECTION_FAILED when resets outlast the retries', async () => {
    server.inject({ kind: 'reset' }, { kind: 'reset' });
    const { error } = await failure(provider({ retry: { limit: 1 } }).generate(hello));
    expect(error).toMatchObject({ code: 'AGENTRY_CONNECTION_FAILED', retryable: true });
  });

  it('retries a stream cut before its first text reached the caller', async () => {
    server.inject({ kind: 'cut', afterEvents: dialect.eventsBeforeText });
    const { error, text } = await drain(provider().stream(hello));
    expect(error).toBeUndefined();
    expect(text.startsWith('Hello')).toBe(true);
    expect(retries).toHaveLength(1);
  });

  it('throws AGENTRY_CONNECTION_FAILED, without retrying, for a stream cut after text was delivered', async () => {
    const before = server.requests.length;
    server.inject({ kind: 'cut', afterEvents: dialect.eventsThroughText });
    const { error, text } = await drain(provider().stream(hello));
    expect(text).toBe('Hello!');
    expect(error).toMatchObject({ code: 'AGENTRY_CONNECTION_FAILED', providerRequestId: expect.stringMatching(/^req_fake/) });
    expect(requestsSince(before)).toBe(1);
  });

  it('retries an overloaded error event sent after the 200 but before any text', async () => {
    server.inject({ kind: 'error-event', afterEvents: dialect.eventsBeforeText, errorType: dialect.overloaded });
    const { error, text } = await drain(provider().stream(hello));
    expect(error).toBeUndefined();
    expect(text.startsWith('Hello')).toBe(true);
    expect(retries).toMatchObject([{ error: { code: 'AGENTRY_UPSTREAM_ERROR', retryable: true } }]);
  });

  it('throws a retryable AGENTRY_UPSTREAM_ERROR for an overloaded error event after text, without replaying', async () => {
    const before = server.requests.length;
    server.inject({ kind: 'error-event', afterEvents: dialect.eventsThroughText, errorType: dialect.overloaded });
    const { error, text } = await drain(provider().stream(hello));
    expect(text).toBe('Hello!');
    expect(error).toMatchObject({ code: 'AGENTRY_UPSTREAM_ERROR', retryable: true, providerRequestId: expect.stringMatching(/^req_fake/) });
    expect(requestsSince(before)).toBe(1);
  });

  it('classifies a rate-limit error event as AGENTRY_RATE_LIMITED', async () => {
    server.inject({ kind: 'error-event', afterEvents: dialect.eventsThroughText, errorType: dialect.rateLimited });
    const { error } = await drain(provider().stream(hello));
    expect(error).toMatchObject({ code: 'AGENTRY_RATE_LIMITED', retryable: true });
  });

  it('does not retry an invalid-request error event: AGENTRY_INVALID_REQUEST', async () => {
    const before = server.requests.length;
    server.inject({ kind: 'error-event', afterEvents: dialect.eventsBeforeText, errorType: dialect.invalid, message: 'max_tokens: too large' });
    const { error } = await drain(provider().stream(hello));
    expect(error).toMatchObject({ code: 'AGENTRY_INVALID_REQUEST', retryable: false });
    expect(error!.message).toContain('max_tokens: too large');
    expect(requestsSince(before)).toBe(1);
  });

  it('does not retry a 400 and names the provider request id', async () => {
    const before = server.requests.length;
    server.inject({ kind: 'status', status: 400, message: 'messages: field required' });
    const { error } = await failure(provider().generate(hello));
    expect(error).toMatchObject({ code: 'AGENTRY_INVALID_REQUEST', retryable: false, providerRequestId: expect.stringMatching(/^req_fake/) });
    expect(requestsSince(before)).toBe(1);
  });

  it('ends a stream with no first event in time with AGENTRY_STREAM_STALLED within the deadline', async () => {
    server.inject({ kind: 'stall', afterEvents: 0 });
    const { error, elapsedMs } = await drain(provider({ retry: { limit: 0 }, stall: { firstEventMs: 300 } }).stream(hello));
    expect(error).toMatchObject({ code: 'AGENTRY_STREAM_STALLED', retryable: true, providerRequestId: expect.stringMatching(/^req_fake/) });
    expect(elapsedMs).toBeLessThan(300 + 100);
  });

  it('retries a stall before the first event, then succeeds', async () => {
    server.inject({ kind: 'stall', afterEvents: dialect.eventsBeforeText });
    const { error } = await drain(provider({ stall: { firstEventMs: 200 } }).stream(hello));
    expect(error).toBeUndefined();
    expect(retries).toMatchObject([{ error: { code: 'AGENTRY_STREAM_STALLED' } }]);
  });

  it('ends a stream that goes silent mid-way with AGENTRY_STREAM_STALLED within the idle deadline', async () => {
    server.inject({ kind: 'stall', afterEvents: dialect.eventsThroughText });
    const { error, text, sinceLastEventMs } = await drain(provider({ stall: { idleMs: 250 } }).stream(hello));
    expect(text).toBe('Hello!');
    expect(error).toMatchObject({ code: 'AGENTRY_STREAM_STALLED' });
    expect(sinceLastEventMs).toBeLessThan(250 + 100);
    expect(retries).toHaveLength(0);
  });

  it('ends a generate whose answer never comes with AGENTRY_TIMEOUT within the attempt deadline', async () => {
    server.inject({ kind: 'hang' });
    const { error, elapsedMs } = await failure(provider({ retry: { limit: 0 }, timeout: { attemptMs: 300 } }).generate(hello));
    expect(error).toMatchObject({ code: 'AGENTRY_TIMEOUT' });
    expect(elapsedMs).toBeLessThan(300 + 100);
  });

  it('fails fast when Retry-After asks for longer than maxRetryAfterMs', async () => {
    server.inject({ kind: 'status', status: 429, headers: { 'retry-after': '120' } });
    const { error, elapsedMs } = await failure(provider({ retry: { maxRetryAfterMs: 10_000 } }).generate(hello));
    expect(error).toMatchObject({ code: 'AGENTRY_RATE_LIMITED', retryAfterSeconds: 120 });
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('ends with AGENTRY_CANCELLED when the caller aborts mid-stream', async () => {
    server.inject({ kind: 'stall', afterEvents: dialect.eventsThroughText });
    const controller = new AbortController();
    const stream = provider().stream({ ...hello, signal: controller.signal });
    const events: unknown[] = [];
    const drained = drain(
      (async function* () {
        for await (const event of stream) {
          events.push(event);
          if (event.type === 'text-delta' && event.text === '!') setTimeout(() => controller.abort(), 20);
          yield event;
        }
      })(),
    );
    const { error } = await drained;
    expect(error).toMatchObject({ code: 'AGENTRY_CANCELLED' });
  });

  it('ends with AGENTRY_CANCELLED when the caller aborts while waiting to retry', async () => {
    server.inject({ kind: 'status', status: 429, headers: { 'retry-after': '5' } });
    const { error, elapsedMs } = await failure(provider().generate({ ...hello, signal: AbortSignal.timeout(150) }));
    expect(error.code).toBe('AGENTRY_CANCELLED');
    expect(elapsedMs).toBeLessThan(150 + 100);
  });

  it('refuses with AGENTRY_UNAUTHORIZED and never shows the API key', async () => {
    const key = 'sk-live-do-not-leak-1234';
    server.inject({ kind: 'status', status: 401, message: `Incorrect API key provided: ${key}.` });
    const { error } = await failure(dialect.make(server, { retry: noJitter }, key).generate(hello));
    expect(error).toMatchObject({ code: 'AGENTRY_UNAUTHORIZED', retryable: false });
    expect(JSON.stringify({ message: error.message, hint: error.hint, json: error.toJSON(), details: error.details })).not.toContain(key);
    expect(error.message).toContain('[redacted]');
  });
});

describe('OpenAI-specific classification', () => {
  it('does not retry a 429 whose code says the quota is spent', async () => {
    const server = await startOpenAIFake();
    try {
      server.inject({ kind: 'status', status: 429, errorType: 'insufficient_quota', message: 'You exceeded your current quota.' });
      const model = createOpenAICompatibleProvider({ baseUrl: server.baseUrl, apiKey: 'sk-test', model: 'gpt-4o-mini' });
      const { error } = await failure(model.generate(hello));
      expect(error).toMatchObject({ code: 'AGENTRY_RATE_LIMITED', retryable: false });
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
