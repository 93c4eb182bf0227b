import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createAnthropicProvider,
  createFallbackProvider,
  createOpenAICompatibleProvider,
  type FallbackInfo,
} from '../../packages/sdk/src/providers';
import { helloReply as anthropicHello } from './fakes/anthropic-examples';
import { startAnthropicFake, type AnthropicFake } from './fakes/anthropic-fake';
import { helloReply as openAIHello } from './fakes/openai-examples';
import { startOpenAIFake, type OpenAIFake } from './fakes/openai-fake';
import { drain, failure } from './stream-helpers';

describe('createFallbackProvider over the OpenAI fake, then the Anthropic fake', () => {
  let openai: OpenAIFake;
  let anthropic: AnthropicFake;
  let fallbacks: FallbackInfo[];
  beforeAll(async () => {
    [openai, anthropic] = await Promise.all([startOpenAIFake(), startAnthropicFake()]);
  });
  afterAll(() => Promise.all([openai.close(), anthropic.close()]));
  beforeEach(() => {
    openai.reply = openAIHello;
    anthropic.reply = anthropicHello;
    fallbacks = [];
  });

  const chain = (primaryRetries = 0) =>
    createFallbackProvider(
      [
        createOpenAICompatibleProvider({
          baseUrl: openai.baseUrl,
          apiKey: 'sk-test',
          model: 'gpt-4o-mini',
          name: 'openai',
          retry: { limit: primaryRetries, random: () => 0 },
          stall: { firstEventMs: 200 },
        }),
        createAnthropicProvider({ baseUrl: anthropic.baseUrl, apiKey: 'sk-ant-test', model: 'claude-haiku-4-5' }),
      ],
      { onFallback: (info) => void fallbacks.push(info) },
    );

  it('answers from the primary when it works, naming it', async () => {
    const { events } = await drain(chain().stream({ messages: [{ role: 'user', content: 'Hi' }] }));
    expect(events.at(-1)).toMatchObject({ type: 'end', provider: 'openai' });
    expect(fallbacks).toEqual([]);
  });

  it('falls back when the primary is overloaded (529) once its retries are spent', async () => {
    openai.inject({ kind: 'status', status: 529 }, { kind: 'status', status: 529 });
    const { events, text, error } = await drain(chain(1).stream({ messages: [{ role: 'user', content: 'Hi' }] }));
    expect(error).toBeUndefined();
    expect(text).toBe('Hello!');
    expect(events.at(-1)).toMatchObject({ type: 'end', provider: 'anthropic', modelId: 'claude-opus-4-20250514' });
    expect(fallbacks).toMatchObject([{ from: { provider: 'openai' }, to: { provider: 'anthropic' }, error: { code: 'AGENTRY_UPSTREAM_ERROR' } }]);
  });

  it('falls back on a rate limit, for generate too, and names the provider that answered', async () => {
    openai.inject({ kind: 'status', status: 429, headers: { 'retry-after-ms': '10' } });
    const result = await chain().generate({ messages: [{ role: 'user', content: 'Hi' }] });
    expect(result).toMatchObject({ text: 'Hello!', provider: 'anthropic' });
  });

  it('falls back when the primary stalls before its first event', async () => {
    openai.inject({ kind: 'stall', afterEvents: 0 });
    const { text, error } = await drain(chain().stream({ messages: [{ role: 'user', content: 'Hi' }] }));
    expect(error).toBeUndefined();
    expect(text).toBe('Hello!');
    expect(fallbacks[0]?.error.code).toBe('AGENTRY_STREAM_STALLED');
  });

  it('does not fall back on an invalid request: the next provider would refuse it too', async () => {
    const before = anthropic.requests.length;
    openai.inject({ kind: 'status', status: 400 });
    const { error } = await failure(chain().generate({ messages: [{ role: 'user', content: 'Hi' }] }));
    expect(error.code).toBe('AGENTRY_INVALID_REQUEST');
    expect(anthropic.requests.length).toBe(before);
  });

  it('does not fall back once text reached the caller: the failure is thrown', async () => {
    const before = anthropic.requests.length;
    openai.inject({ kind: 'cut', afterEvents: 3 });
    const { text, error } = await drain(chain().stream({ messages: [{ role: 'user', content: 'Hi' }] }));
    expect(text).toBe('Hello!');
    expect(error?.code).toBe('AGENTRY_CONNECTION_FAILED');
    expect(anthropic.requests.length).toBe(before);
  });

  it('throws the last provider\'s error when every provider fails', async () => {
    openai.inject({ kind: 'status', status: 503 });
    anthropic.inject({ kind: 'status', status: 529 });
    const model = createFallbackProvider([
      createOpenAICompatibleProvider({ baseUrl: openai.baseUrl, apiKey: 'sk-test', model: 'gpt-4o-mini', retry: { limit: 0 } }),
      createAnthropicProvider({ baseUrl: anthropic.baseUrl, apiKey: 'sk-ant-test', model: 'claude-haiku-4-5', retry: { limit: 0 } }),
    ]);
    const { error } = await failure(model.generate({ messages: [{ role: 'user', content: 'Hi' }] }));
    expect(error).toMatchObject({ code: 'AGENTRY_UPSTREAM_ERROR', details: { upstreamStatus: 529 } });
  });
});
