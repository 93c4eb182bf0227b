import { startFaultServer, takeReply, withReply, type FaultServer, type ReplyState, type RecordedRequest } from './fault-server';
import { embeddingsExample, helloReply, openAIErrorBody, type OpenAIReply } from './openai-examples';

/** A fake of the OpenAI API on 127.0.0.1: `/v1/chat/completions` (JSON or SSE) and `/v1/embeddings`. */
export interface OpenAIFake extends FaultServer {
  /** The base URL as OpenAI clients take it, with `/v1`. */
  baseUrl: string;
  /** What chat completions answer. @default {@link helloReply} */
  reply: OpenAIReply;
  /** Answers for the next chat completions, in order, before `reply` again. */
  queueReplies(...replies: OpenAIReply[]): void;
}

const created = 1741569952;

/**
 * Starts the fake. Streams follow https://platform.openai.com/docs/api-reference/chat-streaming:
 * `data: <chat.completion.chunk>` blocks (no `event:` line), a first delta with the role, content
 * and tool-call deltas, a chunk with `finish_reason`, then with `stream_options.include_usage` a
 * chunk with empty `choices` and the usage, and `data: [DONE]`.
 */
export async function startOpenAIFake(): Promise<OpenAIFake> {
  const state: ReplyState<OpenAIReply> = { reply: helloReply, queued: [] };
  const server = await startFaultServer({
    requestIdHeader: 'x-request-id',
    // OpenAI takes `Authorization: Bearer`; Azure deployments an `api-key` header.
    hasKey: (request) => /^Bearer \S+/.test(request.headers.authorization ?? '') || Boolean(request.headers['api-key']),
    isStream: (request) => request.path.startsWith('/v1/chat/completions') && request.body?.stream === true,
    json(request) {
      if (request.path.startsWith('/v1/embeddings')) {
        const inputs: string[] = Array.isArray(request.body.input) ? request.body.input : [request.body.input];
        return embeddingsExample(inputs, request.body.model);
      }
      if (request.path.startsWith('/v1/chat/completions')) return completion(takeReply(state));
      return undefined;
    },
    frames: (request) => chunks(takeReply(state), request),
    errorBody: (status, errorType, message) => openAIErrorBody(status, errorType, message),
    // An error inside a 200 stream is a data-only block holding an `error` object, which the official client throws.
    errorFrame: (errorType, message) => data(openAIErrorBody(errorType === 'rate_limit_exceeded' ? 429 : 500, errorType, message)),
  });
  return withReply(server, state, { baseUrl: `${server.url}/v1` });
}

function completion(reply: OpenAIReply) {
  return {
    id: reply.id,
    object: 'chat.completion',
    created,
    model: reply.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.toolCalls.length > 0 && reply.text === '' ? null : reply.text,
          refusal: null,
          annotations: [],
          ...(reply.toolCalls.length > 0
            ? { tool_calls: reply.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })) }
            : {}),
        },
        logprobs: null,
        finish_reason: reply.finishReason,
      },
    ],
    usage: reply.usage,
    service_tier: 'default',
    system_fingerprint: reply.systemFingerprint,
  };
}

function chunks(reply: OpenAIReply, request: RecordedRequest): string[] {
  const includeUsage = request.body?.stream_options?.include_usage === true;
  const chunk = (choices: unknown[], usage: unknown = null) =>
    data({
      id: reply.id,
      object: 'chat.completion.chunk',
      created,
      model: reply.model,
      system_fingerprint: reply.systemFingerprint,
      choices,
      ...(includeUsage ? { usage } : {}),
    });
  const delta = (value: Record<string, unknown>, finish: string | null = null) => ({ index: 0, delta: value, logprobs: null, finish_reason: finish });
  const frames = [chunk([delta({ role: 'assistant', content: '', refusal: null })])];
  for (const piece of reply.textChunks) frames.push(chunk([delta({ content: piece })]));
  reply.toolCalls.forEach((call, index) => {
    frames.push(chunk([delta({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] })]));
    for (const piece of call.argumentChunks) frames.push(chunk([delta({ tool_calls: [{ index, function: { arguments: piece } }] })]));
  });
  frames.push(chunk([delta({}, reply.finishReason)]));
  if (includeUsage) frames.push(chunk([], reply.usage));
  frames.push('data: [DONE]\n\n');
  return frames;
}

function data(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}
