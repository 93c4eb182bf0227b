import { AgentryError, type FinishReason, type ModelStreamEvent, type TokenUsage } from '../contract';
import { openAIChunkSchema, openAIFinishReason, openAIUsage, parseToolArguments } from './openai-wire';
import { isKnownErrorType, providerError, statusForErrorType, unexpectedShape } from './provider-error';
import type { EventSourceMessage } from './server-sent-events';

interface PendingToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * Decodes a streamed chat completion: `data:` chunks, then `data: [DONE]`. Text deltas are passed
 * on as they come; tool-call argument deltas are assembled per `index` and emitted whole once the
 * choice finishes; the usage chunk (`stream_options.include_usage`) becomes one `usage` event just
 * before `end`. An error object inside the 200 stream is thrown as a classified AgentryError, and
 * a body that ends before `[DONE]` as AGENTRY_CONNECTION_FAILED.
 */
export async function* decodeOpenAIStream(
  messages: AsyncIterable<EventSourceMessage>,
  providerRequestId: string | undefined,
  context: { label: string; model: string },
): AsyncGenerator<ModelStreamEvent> {
  const toolCalls = new Map<number, PendingToolCall>();
  const withRequestId = providerRequestId === undefined ? {} : { providerRequestId };
  let finishReason: FinishReason | undefined;
  let usage: TokenUsage | undefined;
  let modelId = context.model;
  let done = false;
  for await (const message of messages) {
    if (message.data.trim() === '[DONE]') {
      done = true;
      break;
    }
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch (error) {
      throw new AgentryError('AGENTRY_UPSTREAM_ERROR', `${context.label} failed: a stream chunk is not JSON`, { cause: error, retryable: false, ...withRequestId });
    }
    const streamError = (data as { error?: unknown } | null)?.error;
    if (message.event === 'error' || (typeof streamError === 'object' && streamError !== null)) {
      throw errorInStream(streamError ?? data, context.label, providerRequestId);
    }
    const parsed = openAIChunkSchema.safeParse(data);
    if (!parsed.success) throw unexpectedShape(context.label, parsed.error, providerRequestId);
    const chunk = parsed.data;
    if (chunk.model) modelId = chunk.model;
    if (chunk.usage) usage = openAIUsage(chunk.usage);
    const choice = chunk.choices?.find((entry) => (entry.index ?? 0) === 0);
    if (!choice) continue;
    if (choice.delta?.content) yield { type: 'text-delta', text: choice.delta.content };
    for (const delta of choice.delta?.tool_calls ?? []) {
      const index = delta.index ?? 0;
      const pending = toolCalls.get(index) ?? { id: '', name: '', arguments: '' };
      // The id and name come with the first delta of a call; some gateways repeat them, so keep the first.
      if (delta.id && !pending.id) pending.id = delta.id;
      if (delta.function?.name && !pending.name) pending.name = delta.function.name;
      pending.arguments += delta.function?.arguments ?? '';
      toolCalls.set(index, pending);
    }
    if (choice.finish_reason) finishReason = openAIFinishReason(choice.finish_reason);
  }
  // A server may end without `[DONE]` once it said why it stopped and sent usage; anything less is a cut stream.
  if (!done && !(finishReason !== undefined && usage !== undefined)) {
    throw new AgentryError('AGENTRY_CONNECTION_FAILED', `${context.label} failed: the stream ended before [DONE]`, withRequestId);
  }
  for (const [index, call] of [...toolCalls.entries()].sort(([a], [b]) => a - b)) {
    yield { type: 'tool-call', toolCallId: call.id || `call_${index}`, name: call.name, args: parseToolArguments(call.arguments) };
  }
  yield { type: 'usage', usage: usage ?? openAIUsage(undefined) };
  yield { type: 'end', finishReason: finishReason ?? 'other', modelId, ...withRequestId };
}

/** Classifies `{message, type, code}` sent inside a 200 stream by the status its type or code stands for. */
function errorInStream(error: unknown, label: string, providerRequestId: string | undefined): AgentryError {
  const { type, code, message } = (error ?? {}) as { type?: unknown; code?: unknown; message?: unknown };
  const codeText = typeof code === 'string' ? code : undefined;
  const typeText = typeof type === 'string' ? type : undefined;
  // The more specific code wins (`insufficient_quota` over `requests`); vLLM puts an HTTP status there.
  const chosenType = isKnownErrorType(codeText) ? codeText : (typeText ?? codeText);
  const status = typeof code === 'number' && code >= 400 && code < 600 ? code : statusForErrorType(chosenType);
  return providerError({
    label,
    status,
    where: 'error in a 200 stream',
    ...(chosenType === undefined ? {} : { type: chosenType }),
    ...(typeof message === 'string' ? { message: message.slice(0, 500) } : {}),
    ...(providerRequestId === undefined ? {} : { providerRequestId }),
  });
}
