import { AgentryError, type FinishReason, type ModelStreamEvent } from '../contract';
import { anthropicFinishReason, anthropicUsage, anthropicUsageSchema, type AnthropicUsage } from './anthropic-wire';
import { parseToolArguments } from './openai-wire';
import { providerError, statusForErrorType } from './provider-error';
import type { EventSourceMessage } from './server-sent-events';

interface PendingToolUse {
  id: string;
  name: string;
  json: string;
  /** The input given whole in `content_block_start`, used when no `input_json_delta` follows. */
  input: unknown;
}

/**
 * Decodes a streamed message (https://docs.anthropic.com/en/docs/build-with-claude/streaming):
 * `message_start`, then per content block `content_block_start` / `_delta` / `_stop`, then
 * `message_delta` (stop reason, cumulative usage) and `message_stop`; `ping` keeps the connection
 * alive; `error` is thrown as a classified AgentryError (overloaded and rate limits retryable,
 * invalid requests not). Unknown event types are skipped, as the API's versioning policy asks.
 */
export async function* decodeAnthropicStream(
  messages: AsyncIterable<EventSourceMessage>,
  providerRequestId: string | undefined,
  context: { label: string; model: string },
): AsyncGenerator<ModelStreamEvent> {
  const withRequestId = providerRequestId === undefined ? {} : { providerRequestId };
  const toolUses = new Map<number, PendingToolUse>();
  let usage: AnthropicUsage = {};
  let finishReason: FinishReason = 'other';
  let modelId = context.model;
  let stopped = false;
  for await (const message of messages) {
    let data: Record<string, any>;
    try {
      data = JSON.parse(message.data);
    } catch (error) {
      if (message.event === 'ping') continue;
      throw new AgentryError('AGENTRY_UPSTREAM_ERROR', `${context.label} failed: a stream event is not JSON`, { cause: error, retryable: false, ...withRequestId });
    }
    switch (data?.type ?? message.event) {
      case 'message_start':
        if (typeof data.message?.model === 'string') modelId = data.message.model;
        usage = mergeUsage(usage, data.message?.usage);
        break;
      case 'content_block_start': {
        const block = data.content_block ?? {};
        if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') yield { type: 'text-delta', text: block.text };
        if (block.type === 'tool_use') toolUses.set(data.index, { id: String(block.id ?? ''), name: String(block.name ?? ''), json: '', input: block.input });
        break;
      }
      case 'content_block_delta': {
        const delta = data.delta ?? {};
        if (delta.type === 'text_delta' && typeof delta.text === 'string' && delta.text !== '') yield { type: 'text-delta', text: delta.text };
        if (delta.type === 'input_json_delta') {
          const pending = toolUses.get(data.index);
          if (pending) pending.json += delta.partial_json ?? '';
        }
        // thinking_delta, signature_delta, citations_delta: not part of the provider interface.
        break;
      }
      case 'content_block_stop': {
        const pending = toolUses.get(data.index);
        if (pending) {
          toolUses.delete(data.index);
          const args = pending.json === '' ? (pending.input ?? {}) : parseToolArguments(pending.json);
          yield { type: 'tool-call', toolCallId: pending.id, name: pending.name, args };
        }
        break;
      }
      case 'message_delta':
        if (data.delta?.stop_reason) finishReason = anthropicFinishReason(data.delta.stop_reason);
        // Counts here are cumulative: they replace those of message_start, field by field.
        usage = mergeUsage(usage, data.usage);
        break;
      case 'message_stop':
        stopped = true;
        break;
      case 'error': {
        const type = typeof data.error?.type === 'string' ? data.error.type : undefined;
        throw providerError({
          label: context.label,
          status: statusForErrorType(type),
          where: 'error event in a 200 stream',
          ...(type === undefined ? {} : { type }),
          ...(typeof data.error?.message === 'string' ? { message: data.error.message.slice(0, 500) } : {}),
          ...withRequestId,
        });
      }
      default:
        break; // ping and event types added after this version
    }
    if (stopped) break;
  }
  if (!stopped) {
    throw new AgentryError('AGENTRY_CONNECTION_FAILED', `${context.label} failed: the stream ended before message_stop`, withRequestId);
  }
  yield { type: 'usage', usage: anthropicUsage(usage) };
  yield { type: 'end', finishReason, modelId, ...withRequestId };
}

function mergeUsage(current: AnthropicUsage, next: unknown): AnthropicUsage {
  const parsed = anthropicUsageSchema.safeParse(next);
  if (!parsed.success) return current;
  const merged: AnthropicUsage = { ...current };
  for (const [key, value] of Object.entries(parsed.data) as Array<[keyof AnthropicUsage, number | null | undefined]>) {
    if (typeof value === 'number') merged[key] = value;
  }
  return merged;
}
