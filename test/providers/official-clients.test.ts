import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicFake, type AnthropicFake } from './fakes/anthropic-fake';
import { cacheReadReply, helloReply as anthropicHello, toolUseReply } from './fakes/anthropic-examples';
import { startOpenAIFake, type OpenAIFake } from './fakes/openai-fake';
import { cachedReply, helloReply, toolCallReply } from './fakes/openai-examples';

// The fakes are only worth their tests if they speak each provider's real wire format: the
// official clients must parse every answer, stream and error they produce.

describe('the OpenAI fake, read by the official openai client', () => {
  let fake: OpenAIFake;
  let client: OpenAI;
  beforeAll(async () => {
    fake = await startOpenAIFake();
    client = new OpenAI({ apiKey: 'sk-test-official', baseURL: fake.baseUrl, maxRetries: 0 });
  });
  afterAll(() => fake.close());

  it('parses a chat completion with its usage and request id', async () => {
    fake.reply = helloReply;
    const { data, request_id } = await client.chat.completions
      .create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hello!' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello! How can I assist you today?');
    expect(data.usage?.prompt_tokens).toBe(19);
    expect(request_id).toMatch(/^req_fake/);
  });

  it('parses a stream with include_usage: deltas, then a usage chunk with empty choices', async () => {
    fake.reply = cachedReply;
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hello!' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(cachedReply.text);
    expect(usage?.prompt_tokens_details?.cached_tokens).toBe(1920);
  });

  it('assembles streamed tool-call argument deltas into the documented call', async () => {
    fake.reply = toolCallReply;
    const final = await client.chat.completions
      .stream({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: "What's the weather like in Boston today?" }],
        tools: [{ type: 'function', function: { name: 'get_current_weather', parameters: { type: 'object', properties: {} } } }],
      })
      .finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ location: 'Boston, MA' });
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('parses embeddings', async () => {
    const result = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    expect(result.data.map((entry) => entry.index).sort()).toEqual([0, 1]);
    expect(result.usage.prompt_tokens).toBe(16);
  });

  it('maps an injected 429 to RateLimitError with the request id', async () => {
    fake.inject({ kind: 'status', status: 429, headers: { 'retry-after': '1' } });
    const error = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.APIError>).requestID).toMatch(/^req_fake/);
  });

  it('throws an error sent inside a 200 stream', async () => {
    fake.reply = helloReply;
    fake.inject({ kind: 'error-event', afterEvents: 2, errorType: 'server_error' });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream: true });
    const consume = async () => {
      for await (const chunk of stream) void chunk;
    };
    await expect(consume()).rejects.toBeInstanceOf(OpenAI.APIError);
  });
});

describe('the Anthropic fake, read by the official @anthropic-ai/sdk client', () => {
  let fake: AnthropicFake;
  let client: Anthropic;
  beforeAll(async () => {
    fake = await startAnthropicFake();
    client = new Anthropic({ apiKey: 'sk-ant-test-official', baseURL: fake.baseUrl, maxRetries: 0 });
  });
  afterAll(() => fake.close());

  it('parses a message with cache usage and the request id', async () => {
    fake.reply = cacheReadReply;
    const { data, request_id } = await client.messages
      .create({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'Hello' }] })
      .withResponse();
    expect(data.content[0]?.type === 'text' && data.content[0].text).toBe(cacheReadReply.text);
    expect(data.usage.cache_read_input_tokens).toBe(188086);
    expect(request_id).toMatch(/^req_fake/);
    // This client version sends the key as a bearer token; the API takes it there or in x-api-key.
    const headers = fake.requests.at(-1)!.headers;
    expect(headers['x-api-key'] === 'sk-ant-test-official' || headers.authorization === 'Bearer sk-ant-test-official').toBe(true);
  });

  it('accumulates the documented basic stream, ping included', async () => {
    fake.reply = anthropicHello;
    const final = await client.messages
      .stream({ model: 'claude-opus-4', max_tokens: 1024, messages: [{ role: 'user', content: 'Hello' }] })
      .finalMessage();
    expect(final.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hello!' })]);
    expect(final.usage.output_tokens).toBe(15);
    expect(final.stop_reason).toBe('end_turn');
  });

  it('assembles input_json_delta pieces into the documented tool input', async () => {
    fake.reply = toolUseReply;
    const final = await client.messages
      .stream({
        model: 'claude-sonnet-4-5',
        max_tokens: 1024,
        messages: [{ role: 'user', content: 'What is the weather like in San Francisco?' }],
        tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: {} } }],
      })
      .finalMessage();
    const toolUse = final.content.find((block) => block.type === 'tool_use');
    expect(toolUse?.type === 'tool_use' && toolUse.input).toEqual({ location: 'San Francisco, CA', unit: 'fahrenheit' });
    expect(final.stop_reason).toBe('tool_use');
  });

  it('maps an injected 529 to OverloadedError with the request id', async () => {
    fake.inject({ kind: 'status', status: 529 });
    const error = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((error as InstanceType<typeof Anthropic.APIError>).requestID).toMatch(/^req_fake/);
  });

  it('throws an error event sent after a 200', async () => {
    fake.reply = anthropicHello;
    fake.inject({ kind: 'error-event', afterEvents: 3, errorType: 'overloaded_error' });
    const stream = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }], stream: true });
    const consume = async () => {
      for await (const event of stream) void event;
    };
    await expect(consume()).rejects.toBeInstanceOf(Anthropic.APIError);
  });
});
