import { describe, expect, it } from 'vitest';
import { isAgentryError, type AgentryError, type ModelStreamEvent } from '../contract';
import { decodeAnthropicStream } from './anthropic-stream-decoder';
import { decodeOpenAIStream } from './openai-stream-decoder';
import type { EventSourceMessage } from './server-sent-events';

async function* messages(...blocks: Array<[string | undefined, unknown]>): AsyncGenerator<EventSourceMessage> {
  for (const [event, data] of blocks) yield { event, data: typeof data === 'string' ? data : JSON.stringify(data) };
}

async function decode(stream: AsyncIterable<ModelStreamEvent>): Promise<{ events: ModelStreamEvent[]; error?: AgentryError }> {
  const events: ModelStreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events };
  } catch (error) {
    if (!isAgentryError(error)) throw error;
    return { events, error };
  }
}

const context = { label: 'test:model', model: 'model' };
const delta = (value: unknown, finish: string | null = null) => ({ choices: [{ index: 0, delta: value, finish_reason: finish }] });

describe('decodeOpenAIStream', () => {
  it('accepts a stream that ends without [DONE] once it gave its finish reason and usage', async () => {
    const { events, error } = await decode(
      decodeOpenAIStream(messages([undefined, delta({ content: 'hi' }, 'stop')], [undefined, { choices: [], usage: { prompt_tokens: 1, completion_tokens: 1 } }]), 'req_1', context),
    );
    expect(error).toBeUndefined();
    expect(events.at(-1)).toEqual({ type: 'end', finishReason: 'stop', modelId: 'model', providerRequestId: 'req_1' });
  });

  it('reports a stream that ends early as AGENTRY_CONNECTION_FAILED', async () => {
    const { error } = await decode(decodeOpenAIStream(messages([undefined, delta({ content: 'hi' })]), undefined, context));
    expect(error).toMatchObject({ code: 'AGENTRY_CONNECTION_FAILED' });
  });

  it('emits zero usage when the server sent none (no include_usage support)', async () => {
    const { events } = await decode(decodeOpenAIStream(messages([undefined, delta({ content: 'hi' }, 'stop')], [undefined, '[DONE]']), undefined, context));
    expect(events.find((event) => event.type === 'usage')).toEqual({
      type: 'usage',
      usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
    });
  });

  it('gives the raw text of tool arguments that are not JSON, and keeps calls in index order', async () => {
    const { events } = await decode(
      decodeOpenAIStream(
        messages(
          [undefined, delta({ tool_calls: [{ index: 1, id: 'b', function: { name: 'second', arguments: '{"x":' } }] })],
          [undefined, delta({ tool_calls: [{ index: 0, id: 'a', function: { name: 'first', arguments: '' } }] })],
          [undefined, delta({ tool_calls: [{ index: 1, function: { arguments: '1}' } }] })],
          [undefined, delta({ tool_calls: [{ index: 0, function: { arguments: 'not json' } }] }, 'tool_calls')],
          [undefined, '[DONE]'],
        ),
        undefined,
        context,
      ),
    );
    expect(events.filter((event) => event.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCallId: 'a', name: 'first', args: 'not json' },
      { type: 'tool-call', toolCallId: 'b', name: 'second', args: { x: 1 } },
    ]);
  });

  it('classifies an error whose code is an HTTP status (vLLM)', async () => {
    const { error } = await decode(decodeOpenAIStream(messages([undefined, { error: { object: 'error', message: 'too long', type: 'BadRequestError', code: 400 } }]), 'req_2', context));
    expect(error).toMatchObject({ code: 'AGENTRY_INVALID_REQUEST', providerRequestId: 'req_2' });
  });

  it('refuses a chunk that is not JSON', async () => {
    const { error } = await decode(decodeOpenAIStream(messages([undefined, '{oops']), undefined, context));
    expect(error).toMatchObject({ code: 'AGENTRY_UPSTREAM_ERROR', retryable: false });
  });
});

describe('decodeAnthropicStream', () => {
  const start = ['message_start', { type: 'message_start', message: { model: 'claude-x', usage: { input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 1 } } }] as [string, unknown];
  const stop = ['message_stop', { type: 'message_stop' }] as [string, unknown];

  it('skips event types it does not know and thinking deltas', async () => {
    const { events, error } = await decode(
      decodeAnthropicStream(
        messages(
          start,
          ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }],
          ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }],
          ['brand_new_event', { type: 'brand_new_event' }],
          ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'ok' } }],
          stop,
        ),
        undefined,
        context,
      ),
    );
    expect(error).toBeUndefined();
    expect(events.filter((event) => event.type === 'text-delta')).toEqual([{ type: 'text-delta', text: 'ok' }]);
  });

  it('lets message_delta usage replace message_start counts field by field', async () => {
    const { events } = await decode(
      decodeAnthropicStream(
        messages(start, ['message_delta', { type: 'message_delta', delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 40, input_tokens: 12 } }], stop),
        undefined,
        context,
      ),
    );
    expect(events.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 12 + 5, outputTokens: 40, cachedInputTokens: 5, cacheWriteTokens: 0, reasoningTokens: 0 } },
      { type: 'end', finishReason: 'length', modelId: 'claude-x' },
    ]);
  });

  it('takes the whole input of a tool_use block that has no input_json_delta', async () => {
    const { events } = await decode(
      decodeAnthropicStream(
        messages(
          start,
          ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't1', name: 'now', input: {} } }],
          ['content_block_stop', { type: 'content_block_stop', index: 0 }],
          stop,
        ),
        undefined,
        context,
      ),
    );
    expect(events[0]).toEqual({ type: 'tool-call', toolCallId: 't1', name: 'now', args: {} });
  });

  it('reports a stream that ends before message_stop as AGENTRY_CONNECTION_FAILED', async () => {
    const { error } = await decode(decodeAnthropicStream(messages(start), 'req_9', context));
    expect(error).toMatchObject({ code: 'AGENTRY_CONNECTION_FAILED', providerRequestId: 'req_9' });
  });

  it.each([
    ['overloaded_error', 'AGENTRY_UPSTREAM_ERROR', true],
    ['rate_limit_error', 'AGENTRY_RATE_LIMITED', true],
    ['api_error', 'AGENTRY_UPSTREAM_ERROR', true],
    ['invalid_request_error', 'AGENTRY_INVALID_REQUEST', false],
    ['authentication_error', 'AGENTRY_UNAUTHORIZED', false],
  ])('classifies an %s error event as %s (retryable: %s)', async (type, code, retryable) => {
    const { error } = await decode(decodeAnthropicStream(messages(start, ['error', { type: 'error', error: { type, message: 'x' } }]), undefined, context));
    expect(error).toMatchObject({ code, retryable });
  });
});
