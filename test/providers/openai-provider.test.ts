import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelFromSpec, createOpenAICompatibleProvider } from '../../packages/sdk/src/providers';
import { cachedReply, helloReply, reasoningReply, toolCallReply } from './fakes/openai-examples';
import { startOpenAIFake, type OpenAIFake } from './fakes/openai-fake';
import { drain } from './stream-helpers';

describe('createOpenAICompatibleProvider against the OpenAI fake', () => {
  let fake: OpenAIFake;
  beforeAll(async () => {
    fake = await startOpenAIFake();
  });
  afterAll(() => fake.close());

  const provider = (extra: Partial<Parameters<typeof createOpenAICompatibleProvider>[0]> = {}) =>
    createOpenAICompatibleProvider({ baseUrl: fake.baseUrl, apiKey: 'sk-test-openai', model: 'gpt-4o-mini', ...extra });

  it('generates text with usage, model and request id from a chat completion', async () => {
    fake.reply = helloReply;
    const result = await provider().generate({ system: 'Be brief.', messages: [{ role: 'user', content: 'Hello!' }], maxTokens: 50 });
    expect(result).toMatchObject({ text: 'Hello! How can I assist you today?', finishReason: 'stop', modelId: 'gpt-4.1-2025-04-14' });
    expect(result.usage).toEqual({ inputTokens: 19, outputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });
    expect(result.providerRequestId).toMatch(/^req_fake/);
    const sent = fake.requests.at(-1)!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe('Bearer sk-test-openai');
    expect(sent.body).toMatchObject({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello!' },
      ],
      max_tokens: 50,
    });
    expect(sent.body.stream).toBeUndefined();
  });

  it('streams text deltas, then one usage event with cached tokens inside input, then end', async () => {
    fake.reply = cachedReply;
    const { events, text, error } = await drain(provider().stream({ messages: [{ role: 'user', content: 'Hello!' }] }));
    expect(error).toBeUndefined();
    expect(text).toBe(cachedReply.text);
    expect(events.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 2006, outputTokens: 300, cachedInputTokens: 1920, cacheWriteTokens: 0, reasoningTokens: 0 } },
      { type: 'end', finishReason: 'stop', modelId: 'gpt-4o-mini-2024-07-18', providerRequestId: expect.stringMatching(/^req_fake/) },
    ]);
    expect(fake.requests.at(-1)!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('reads reasoning tokens from completion_tokens_details, inside output tokens', async () => {
    fake.reply = reasoningReply;
    const result = await provider({ model: 'o3-mini' }).generate({ messages: [{ role: 'user', content: 'Think.' }] });
    expect(result.usage).toMatchObject({ inputTokens: 75, outputTokens: 1186, reasoningTokens: 1024 });
  });

  it('assembles streamed tool-call argument deltas per index into one tool-call event', async () => {
    fake.reply = toolCallReply;
    const { events } = await drain(
      provider().stream({
        messages: [{ role: 'user', content: "What's the weather like in Boston today?" }],
        tools: [{ name: 'get_current_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { location: { type: 'string' } } } }],
        toolChoice: 'required',
      }),
    );
    expect(events.filter((event) => event.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCallId: 'call_abc123', name: 'get_current_weather', args: { location: 'Boston, MA' } },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'end', finishReason: 'tool-calls' });
    expect(fake.requests.at(-1)!.body).toMatchObject({
      tools: [{ type: 'function', function: { name: 'get_current_weather', description: 'Weather of a city' } }],
      tool_choice: 'required',
    });
  });

  it('returns tool calls of a non-streamed answer and sends earlier tool turns in the OpenAI shape', async () => {
    fake.reply = toolCallReply;
    const result = await provider().generate({
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: '', toolCalls: [{ toolCallId: 'call_1', name: 'get_current_weather', args: { location: 'Paris' } }] },
        { role: 'tool', toolCallId: 'call_1', content: '{"temp":20}' },
      ],
      tools: [{ name: 'get_current_weather', parameters: { type: 'object' } }],
      toolChoice: { name: 'get_current_weather' },
      responseFormat: { type: 'json', schema: { type: 'object' }, name: 'weather' },
    });
    expect(result.toolCalls).toEqual([{ toolCallId: 'call_abc123', name: 'get_current_weather', args: { location: 'Boston, MA' } }]);
    expect(result.finishReason).toBe('tool-calls');
    expect(fake.requests.at(-1)!.body).toMatchObject({
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_current_weather', arguments: '{"location":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp":20}' },
      ],
      tool_choice: { type: 'function', function: { name: 'get_current_weather' } },
      response_format: { type: 'json_schema', json_schema: { name: 'weather', schema: { type: 'object' } } },
    });
  });

  it('embeds texts in input order whatever order the vectors come back in', async () => {
    const result = await provider({ embeddingModel: 'text-embedding-3-small' }).embed!(['first', 'second']);
    expect(result.embeddings.map((vector) => Math.round(vector[0]!))).toEqual([0, 1]);
    expect(result.usage.inputTokens).toBe(16);
    expect(result.modelId).toBe('text-embedding-3-small');
    expect(fake.requests.at(-1)!.body).toEqual({ model: 'text-embedding-3-small', input: ['first', 'second'], encoding_format: 'float' });
  });

  it('serves Azure-style deployments: a full chat URL, an api-version query and the api-key header', async () => {
    fake.reply = helloReply;
    const azure = createOpenAICompatibleProvider({
      model: 'gpt-4o-mini',
      apiKey: 'azure-key-123',
      apiKeyHeader: 'api-key',
      chatCompletionsUrl: `${fake.url}/v1/chat/completions`,
      query: { 'api-version': '2024-10-21' },
      name: 'azure',
    });
    await azure.generate({ messages: [{ role: 'user', content: 'Hi' }] });
    const sent = fake.requests.at(-1)!;
    expect(sent.path).toBe('/v1/chat/completions?api-version=2024-10-21');
    expect(sent.headers['api-key']).toBe('azure-key-123');
    expect(sent.headers.authorization).toBeUndefined();
    expect(azure.provider).toBe('azure');
  });

  it('uses max_completion_tokens when told to (OpenAI reasoning models)', async () => {
    await provider({ maxTokensField: 'max_completion_tokens' }).generate({ messages: [{ role: 'user', content: 'Hi' }], maxTokens: 7 });
    expect(fake.requests.at(-1)!.body).toMatchObject({ max_completion_tokens: 7 });
    expect(fake.requests.at(-1)!.body.max_tokens).toBeUndefined();
  });

  it('is what createModelFromSpec builds for openai:<model>, with key and base URL from env', async () => {
    fake.reply = helloReply;
    const model = createModelFromSpec('openai:gpt-4o-mini', { env: { OPENAI_API_KEY: 'sk-from-env', OPENAI_BASE_URL: fake.baseUrl } });
    await model.generate({ messages: [{ role: 'user', content: 'Hi' }], maxTokens: 5 });
    const sent = fake.requests.at(-1)!;
    expect(sent.headers.authorization).toBe('Bearer sk-from-env');
    expect(sent.body).toMatchObject({ model: 'gpt-4o-mini', max_completion_tokens: 5 });
    await model.embed!(['x']);
    expect(fake.requests.at(-1)!.body.model).toBe('text-embedding-3-small');
  });
});
