import { z } from 'zod';
import {
  emptyTokenUsage,
  type FinishReason,
  type GenerateRequest,
  type GenerateResult,
  type ModelMessage,
  type ModelToolCall,
  type TokenUsage,
} from '../contract';
import { unexpectedShape } from './provider-error';

/**
 * The OpenAI Chat Completions wire format (https://platform.openai.com/docs/api-reference/chat),
 * as OpenAI, Azure OpenAI, vLLM, Ollama, LiteLLM and most gateways speak it. Schemas are lenient:
 * compatible servers leave out or null fields OpenAI always sends.
 */

/** Which body field carries the output limit: OpenAI's reasoning models accept only `max_completion_tokens`. */
export type MaxTokensField = 'max_tokens' | 'max_completion_tokens';

const count = z.number().int().nonnegative().nullish();

/** The `usage` object of a chat completion or of the last stream chunk. */
export const openAIUsageSchema = z.object({
  prompt_tokens: count,
  completion_tokens: count,
  prompt_tokens_details: z.object({ cached_tokens: count }).nullish(),
  completion_tokens_details: z.object({ reasoning_tokens: count }).nullish(),
});

const toolCallSchema = z.object({
  id: z.string(),
  type: z.string().nullish(),
  function: z.object({ name: z.string(), arguments: z.string().nullish() }),
});

/** A non-streamed chat completion: the fields this provider reads. */
export const openAIChatCompletionSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        index: z.number().nullish(),
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z.array(toolCallSchema).nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: openAIUsageSchema.nullish(),
});

/** One `chat.completion.chunk` of a stream. */
export const openAIChunkSchema = z.object({
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        index: z.number().nullish(),
        delta: z
          .object({
            content: z.string().nullish(),
            tool_calls: z
              .array(
                z.object({
                  index: z.number().nullish(),
                  id: z.string().nullish(),
                  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: openAIUsageSchema.nullish(),
});

/** The answer of `POST /embeddings`. */
export const openAIEmbeddingsSchema = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
  usage: z.object({ prompt_tokens: count }).nullish(),
});

/** Builds the body of `POST /chat/completions`. */
export function openAIChatBody(
  request: GenerateRequest,
  options: { model: string; stream: boolean; maxTokensField: MaxTokensField },
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: options.model,
    messages: [...(request.system ? [{ role: 'system', content: request.system }] : []), ...request.messages.map(openAIMessage)],
  };
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters: tool.parameters },
    }));
    // Sent only with tools: the API refuses a tool_choice without them.
    if (request.toolChoice !== undefined) {
      body.tool_choice =
        typeof request.toolChoice === 'string' ? request.toolChoice : { type: 'function', function: { name: request.toolChoice.name } };
    }
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.maxTokens !== undefined) body[options.maxTokensField] = request.maxTokens;
  if (request.stop && request.stop.length > 0) body.stop = request.stop;
  if (request.responseFormat?.type === 'json') {
    body.response_format = request.responseFormat.schema
      ? { type: 'json_schema', json_schema: { name: request.responseFormat.name ?? 'response', schema: request.responseFormat.schema } }
      : { type: 'json_object' };
  }
  if (options.stream) {
    body.stream = true;
    // Without it the stream carries no token counts, and metering would see nothing.
    body.stream_options = { include_usage: true };
  }
  return body;
}

function openAIMessage(message: ModelMessage): Record<string, unknown> {
  switch (message.role) {
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    case 'assistant':
      if (!message.toolCalls || message.toolCalls.length === 0) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        content: message.content === '' ? null : message.content,
        tool_calls: message.toolCalls.map((call) => ({
          id: call.toolCallId,
          type: 'function',
          function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
        })),
      };
    default:
      return { role: message.role, content: message.content };
  }
}

/**
 * Normalises OpenAI usage: `prompt_tokens` already includes the cached tokens
 * (`prompt_tokens_details.cached_tokens`), and `completion_tokens` the reasoning tokens.
 */
export function openAIUsage(usage: z.infer<typeof openAIUsageSchema> | null | undefined): TokenUsage {
  if (!usage) return emptyTokenUsage();
  return {
    inputTokens: usage.prompt_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
    cachedInputTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    cacheWriteTokens: 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

/** Maps `finish_reason` to the provider interface's finish reason. */
export function openAIFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'content_filter':
      return 'content-filter';
    default:
      return 'other';
  }
}

/** Parses tool arguments; a model that wrote invalid JSON gets its raw text back, for the pack to handle. */
export function parseToolArguments(text: string | null | undefined): unknown {
  if (text === undefined || text === null || text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Reads a non-streamed chat completion into a result. */
export function openAIGenerateResult(
  json: unknown,
  context: { label: string; model: string; providerRequestId: string | undefined },
): GenerateResult {
  const parsed = openAIChatCompletionSchema.safeParse(json);
  if (!parsed.success) throw unexpectedShape(context.label, parsed.error, context.providerRequestId);
  const choice = parsed.data.choices.find((entry) => (entry.index ?? 0) === 0) ?? parsed.data.choices[0]!;
  const toolCalls: ModelToolCall[] = (choice.message.tool_calls ?? []).map((call) => ({
    toolCallId: call.id,
    name: call.function.name,
    args: parseToolArguments(call.function.arguments),
  }));
  return {
    text: choice.message.content ?? '',
    toolCalls,
    finishReason: openAIFinishReason(choice.finish_reason),
    usage: openAIUsage(parsed.data.usage),
    modelId: parsed.data.model || context.model,
    ...(context.providerRequestId === undefined ? {} : { providerRequestId: context.providerRequestId }),
  };
}
