import { z } from 'zod';
import type { FinishReason, GenerateRequest, GenerateResult, ModelMessage, ModelToolCall, TokenUsage } from '../contract';
import { unexpectedShape } from './provider-error';

/**
 * The Anthropic Messages wire format (https://docs.anthropic.com/en/api/messages): the system
 * prompt apart from the messages, content blocks (`text`, `tool_use`, `tool_result`), and usage
 * whose `input_tokens` excludes the tokens read from or written to the prompt cache.
 */

const count = z.number().int().nonnegative().nullish();

/** The `usage` object of a message, as sent (counts may be absent or null in stream events). */
export const anthropicUsageSchema = z.object({
  input_tokens: count,
  output_tokens: count,
  cache_creation_input_tokens: count,
  cache_read_input_tokens: count,
});
/** Anthropic usage as parsed. */
export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;

/** A non-streamed message: the fields this provider reads. */
export const anthropicMessageSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  content: z.array(
    z.looseObject({ type: z.string(), text: z.string().nullish(), id: z.string().nullish(), name: z.string().nullish(), input: z.unknown().optional() }),
  ),
  stop_reason: z.string().nullish(),
  usage: anthropicUsageSchema.nullish(),
});

type Block = Record<string, unknown>;
interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

/** Builds the body of `POST /v1/messages`. `max_tokens` is required there, hence `defaultMaxTokens`. */
export function anthropicMessagesBody(
  request: GenerateRequest,
  options: { model: string; stream: boolean; defaultMaxTokens: number },
): Record<string, unknown> {
  const systemParts = [request.system ?? ''];
  const messages: AnthropicMessage[] = [];
  for (const message of request.messages) {
    if (message.role === 'system') {
      systemParts.push(message.content);
      continue;
    }
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = anthropicBlocks(message);
    const previous = messages.at(-1);
    // The API wants turns to alternate; consecutive turns of one role (several tool results) become one.
    if (previous?.role === role) previous.content.push(...blocks);
    else messages.push({ role, content: blocks });
  }
  if (request.responseFormat?.type === 'json') {
    // The Messages API has no JSON mode in this version: ask for it in the system prompt.
    systemParts.push(
      request.responseFormat.schema
        ? `Answer with one JSON value only, no prose, matching this JSON Schema: ${JSON.stringify(request.responseFormat.schema)}`
        : 'Answer with one JSON object only, no prose.',
    );
  }
  const system = systemParts.filter((part) => part !== '').join('\n\n');
  const body: Record<string, unknown> = {
    model: options.model,
    max_tokens: request.maxTokens ?? options.defaultMaxTokens,
    messages,
  };
  if (system !== '') body.system = system;
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      input_schema: tool.parameters,
    }));
    // Sent only with tools: the API refuses a tool_choice without them.
    if (request.toolChoice !== undefined) {
      const choice = request.toolChoice;
      body.tool_choice =
        typeof choice === 'object' ? { type: 'tool', name: choice.name } : { type: choice === 'required' ? 'any' : choice };
    }
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.stop && request.stop.length > 0) body.stop_sequences = request.stop;
  if (options.stream) body.stream = true;
  return body;
}

function anthropicBlocks(message: Exclude<ModelMessage, { role: 'system' }>): Block[] {
  if (message.role === 'tool') return [{ type: 'tool_result', tool_use_id: message.toolCallId, content: message.content }];
  // Empty text blocks are refused by the API.
  const text: Block[] = message.content === '' ? [] : [{ type: 'text', text: message.content }];
  if (message.role === 'user') return text;
  return [
    ...text,
    ...(message.toolCalls ?? []).map((call) => ({ type: 'tool_use', id: call.toolCallId, name: call.name, input: call.args ?? {} })),
  ];
}

/**
 * Normalises Anthropic usage to TokenUsage: Anthropic counts cache reads and writes apart from
 * `input_tokens`, so all three add up to the prompt; thinking tokens are inside `output_tokens`
 * and not reported apart.
 */
export function anthropicUsage(usage: AnthropicUsage | null | undefined): TokenUsage {
  const read = usage?.cache_read_input_tokens ?? 0;
  const write = usage?.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: (usage?.input_tokens ?? 0) + read + write,
    outputTokens: usage?.output_tokens ?? 0,
    cachedInputTokens: read,
    cacheWriteTokens: write,
    reasoningTokens: 0,
  };
}

/** Maps `stop_reason` to the provider interface's finish reason. */
export function anthropicFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool-calls';
    case 'refusal':
      return 'content-filter';
    default:
      return 'other';
  }
}

/** Reads a non-streamed message into a result. */
export function anthropicGenerateResult(
  json: unknown,
  context: { label: string; model: string; providerRequestId: string | undefined },
): GenerateResult {
  const parsed = anthropicMessageSchema.safeParse(json);
  if (!parsed.success) throw unexpectedShape(context.label, parsed.error, context.providerRequestId);
  let text = '';
  const toolCalls: ModelToolCall[] = [];
  for (const block of parsed.data.content) {
    if (block.type === 'text') text += block.text ?? '';
    else if (block.type === 'tool_use') toolCalls.push({ toolCallId: block.id ?? '', name: block.name ?? '', args: block.input ?? {} });
  }
  return {
    text,
    toolCalls,
    finishReason: anthropicFinishReason(parsed.data.stop_reason),
    usage: anthropicUsage(parsed.data.usage),
    modelId: parsed.data.model || context.model,
    ...(context.providerRequestId === undefined ? {} : { providerRequestId: context.providerRequestId }),
  };
}
