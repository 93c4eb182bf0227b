import { startFaultServer, takeReply, withReply, type FaultServer, type ReplyState } from './fault-server';
import { anthropicErrorBody, helloReply, type AnthropicReply } from './anthropic-examples';

/** A fake of the Anthropic Messages API on 127.0.0.1: `/v1/messages`, JSON or SSE. */
export interface AnthropicFake extends FaultServer {
  /** The base URL as Anthropic clients take it, without `/v1`. */
  baseUrl: string;
  /** What messages answer. @default {@link helloReply} */
  reply: AnthropicReply;
  /** Answers for the next messages, in order, before `reply` again. */
  queueReplies(...replies: AnthropicReply[]): void;
}

/**
 * Starts the fake. Streams follow https://docs.anthropic.com/en/docs/build-with-claude/streaming:
 * each block is `event: <type>` plus `data: <json with the same type>`; `message_start`, a `ping`,
 * per content block `content_block_start` / `content_block_delta` / `content_block_stop`,
 * `message_delta` with the stop reason and cumulative usage, `message_stop`.
 */
export async function startAnthropicFake(): Promise<AnthropicFake> {
  const state: ReplyState<AnthropicReply> = { reply: helloReply, queued: [] };
  const server = await startFaultServer({
    requestIdHeader: 'request-id',
    // https://docs.anthropic.com/en/api/overview documents `x-api-key`; newer clients send a bearer token.
    hasKey: (request) => Boolean(request.headers['x-api-key']) || /^Bearer \S+/.test(request.headers.authorization ?? ''),
    isStream: (request) => request.path.startsWith('/v1/messages') && request.body?.stream === true,
    json: (request) => (request.path.startsWith('/v1/messages') ? message(takeReply(state)) : undefined),
    frames: () => frames(takeReply(state)),
    errorBody: (status, errorType, message, requestId) => anthropicErrorBody(status, errorType, message, requestId),
    errorFrame: (errorType, message) => event('error', { type: 'error', error: { type: errorType, message: message ?? 'Overloaded' } }),
  });
  return withReply(server, state, { baseUrl: server.url });
}

function message(reply: AnthropicReply) {
  return {
    id: reply.id,
    type: 'message',
    role: 'assistant',
    model: reply.model,
    content: [
      ...(reply.text === '' ? [] : [{ type: 'text', text: reply.text }]),
      ...(reply.toolUse ? [{ type: 'tool_use', id: reply.toolUse.id, name: reply.toolUse.name, input: reply.toolUse.input }] : []),
    ],
    stop_reason: reply.stopReason,
    stop_sequence: null,
    usage: reply.usage,
  };
}

function frames(reply: AnthropicReply): string[] {
  const startUsage = { ...reply.usage, output_tokens: reply.startOutputTokens };
  const result = [
    event('message_start', {
      type: 'message_start',
      message: { id: reply.id, type: 'message', role: 'assistant', content: [], model: reply.model, stop_reason: null, stop_sequence: null, usage: startUsage },
    }),
  ];
  let index = 0;
  if (reply.text !== '') {
    result.push(event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
    result.push(event('ping', { type: 'ping' }));
    for (const text of reply.textChunks) {
      result.push(event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } }));
    }
    result.push(event('content_block_stop', { type: 'content_block_stop', index }));
    index++;
  }
  if (reply.toolUse) {
    const { id, name, jsonChunks } = reply.toolUse;
    result.push(event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id, name, input: {} } }));
    for (const partial_json of jsonChunks) {
      result.push(event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } }));
    }
    result.push(event('content_block_stop', { type: 'content_block_stop', index }));
  }
  result.push(
    event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: reply.stopReason, stop_sequence: null },
      usage: { output_tokens: reply.usage.output_tokens },
    }),
  );
  result.push(event('message_stop', { type: 'message_stop' }));
  return result;
}

function event(name: string, value: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(value)}\n\n`;
}
