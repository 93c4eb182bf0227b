import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnthropicProvider, createModelFromSpec } from '../../packages/sdk/src/providers';
import { cacheReadReply, cacheWriteReply, helloReply, toolUseReply } from './fakes/anthropic-examples';
import { startAnthropicFake, type AnthropicFake } from './fakes/anthropic-fake';
import { drain } from './stream-helpers';

describe('createAnthropicProvider against the Anthropic fake', () => {
  let fake: AnthropicFake;
  beforeAll(async () => {
    fake = await startAnthropicFake();
  });
  afterAll(() => fake.close());

  const provider = (extra: Partial<Parameters<typeof createAnthropicProvider>[0]> = {}) =>
    createAnthropicProvider({ baseUrl: fake.baseUrl, apiKey: 'sk-ant-test', model: 'claude-sonnet-4-5', ...extra });

  it('generates text and sends the system prompt apart, with key, version and max_tokens', async () => {
    fake.reply = helloReply;
    const result = await provider().generate({ system: 'Be brief.', messages: [{ role: 'user', content: 'Hello' }] });
    expect(result).toMatchObject({ text: 'Hello!', finishReason: 'stop', modelId: 'claude-opus-4-20250514', providerRequestId: expect.stringMatching(/^req_fake/) });
    expect(result.usage).toEqual({ inputTokens: 25, outputTokens: 15, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });
    const sent = fake.requests.at(-1)!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe('sk-ant-test');
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      system: 'Be brief.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
    });
  });

  it('adds cache reads and writes to input tokens, which Anthropic counts apart', async () => {
    fake.reply = cacheWriteReply;
    const written = await provider().generate({ messages: [{ role: 'user', content: 'Summarise the book.' }] });
    expect(written.usage).toEqual({ inputTokens: 21 + 188086, outputTokens: 393, cachedInputTokens: 0, cacheWriteTokens: 188086, reasoningTokens: 0 });
    fake.reply = cacheReadReply;
    const { events } = await drain(provider().stream({ messages: [{ role: 'user', content: 'Summarise the book.' }] }));
    expect(events.find((event) => event.type === 'usage')).toEqual({
      type: 'usage',
      usage: { inputTokens: 21 + 188086, outputTokens: 393, cachedInputTokens: 188086, cacheWriteTokens: 0, reasoningTokens: 0 },
    });
  });

  it('streams the documented basic stream: text deltas, ping skipped, cumulative usage from message_delta', async () => {
    fake.reply = helloReply;
    const { events, error } = await drain(provider().stream({ messages: [{ role: 'user', content: 'Hello' }] }));
    expect(error).toBeUndefined();
    expect(events).toEqual([
      { type: 'text-delta', text: 'Hello' },
      { type: 'text-delta', text: '!' },
      { type: 'usage', usage: { inputTokens: 25, outputTokens: 15, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } },
      { type: 'end', finishReason: 'stop', modelId: 'claude-opus-4-20250514', providerRequestId: expect.stringMatching(/^req_fake/) },
    ]);
    expect(fake.requests.at(-1)!.body.stream).toBe(true);
  });

  it('assembles input_json_delta pieces into one tool-call event', async () => {
    fake.reply = toolUseReply;
    const { events, text } = await drain(
      provider().stream({
        messages: [{ role: 'user', content: 'What is the weather like in San Francisco?' }],
        tools: [{ name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { location: { type: 'string' } } } }],
        toolChoice: 'required',
      }),
    );
    expect(text).toBe(toolUseReply.text);
    expect(events.filter((event) => event.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCallId: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', args: { location: 'San Francisco, CA', unit: 'fahrenheit' } },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'end', finishReason: 'tool-calls' });
    expect(fake.requests.at(-1)!.body).toMatchObject({
      tools: [{ name: 'get_weather', description: 'Weather of a city', input_schema: { type: 'object' } }],
      tool_choice: { type: 'any' },
    });
  });

  it('sends tool turns as tool_use and tool_result blocks, merging consecutive user turns', async () => {
    fake.reply = toolUseReply;
    const result = await provider().generate({
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Checking.',
          toolCalls: [
            { toolCallId: 'toolu_1', name: 'get_weather', args: { location: 'Paris' } },
            { toolCallId: 'toolu_2', name: 'get_weather', args: { location: 'Rome' } },
          ],
        },
        { role: 'tool', toolCallId: 'toolu_1', content: '20C' },
        { role: 'tool', toolCallId: 'toolu_2', content: '25C' },
      ],
      tools: [{ name: 'get_weather', parameters: { type: 'object' } }],
      toolChoice: { name: 'get_weather' },
      stop: ['END'],
      temperature: 0,
    });
    expect(result.toolCalls).toEqual([{ toolCallId: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', args: toolUseReply.toolUse!.input }]);
    expect(fake.requests.at(-1)!.body).toMatchObject({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { location: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '20C' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: '25C' },
          ],
        },
      ],
      tool_choice: { type: 'tool', name: 'get_weather' },
      stop_sequences: ['END'],
      temperature: 0,
    });
  });

  it('has no embed: Anthropic offers no embeddings endpoint', () => {
    expect(provider().embed).toBeUndefined();
  });

  it('is what createModelFromSpec builds for anthropic:<model>, with key and base URL from env', async () => {
    fake.reply = helloReply;
    const model = createModelFromSpec('anthropic:claude-haiku-4-5', { env: { ANTHROPIC_API_KEY: 'sk-ant-from-env', ANTHROPIC_BASE_URL: fake.baseUrl } });
    expect((await model.generate({ messages: [{ role: 'user', content: 'Hi' }] })).text).toBe('Hello!');
    expect(fake.requests.at(-1)!.headers['x-api-key']).toBe('sk-ant-from-env');
    expect(fake.requests.at(-1)!.body.model).toBe('claude-haiku-4-5');
  });
});
