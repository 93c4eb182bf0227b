import { AgentryError, type GenerateResult, type ModelProvider, type ModelStreamEvent } from '../contract';
import { decodeAnthropicStream } from './anthropic-stream-decoder';
import { anthropicGenerateResult, anthropicMessagesBody } from './anthropic-wire';
import { postJson, postStream } from './provider-http';
import { parseBaseUrl, resolveHttpSettings, type HttpProviderOptions } from './provider-settings';

/** Options of {@link createAnthropicProvider}. */
export interface AnthropicProviderOptions extends HttpProviderOptions {
  /** API key, sent as `x-api-key`. Never logged or put in an error. */
  apiKey: string;
  /** Base URL without the version path, as the Anthropic clients take it. @default 'https://api.anthropic.com' */
  baseUrl?: string;
  /** The `anthropic-version` header. @default '2023-06-01' */
  version?: string;
  /** `max_tokens` sent when a request sets no `maxTokens` (the API requires one). @default 4096 */
  defaultMaxTokens?: number;
  /** Provider name used in the price table and in messages. @default 'anthropic' */
  name?: string;
}

/**
 * A model provider over the Anthropic Messages API: SSE streaming with tool use, usage normalised
 * so `inputTokens` counts cache reads and writes too, 529 overloaded retried, stalled streams ended.
 * Anthropic has no embeddings endpoint, so this provider has no `embed`.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` when an option is missing or malformed.
 * @example
 * const model = createAnthropicProvider({ apiKey: process.env.ANTHROPIC_API_KEY!, model: 'claude-sonnet-4-5' });
 * for await (const event of model.stream({ messages: [{ role: 'user', content: 'Hello' }] })) {
 *   if (event.type === 'text-delta') process.stdout.write(event.text);
 * }
 */
export function createAnthropicProvider(options: AnthropicProviderOptions): ModelProvider {
  const where = 'createAnthropicProvider';
  if (typeof options.apiKey !== 'string' || options.apiKey === '') {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `${where}: \`apiKey\` is required`, {
      hint: 'Pass the key of your Anthropic workspace (createModelFromSpec reads ANTHROPIC_API_KEY).',
    });
  }
  const defaultMaxTokens = options.defaultMaxTokens ?? 4096;
  if (!Number.isInteger(defaultMaxTokens) || defaultMaxTokens <= 0) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `${where}: \`defaultMaxTokens\` must be a positive whole number`);
  }
  const base = parseBaseUrl(where, 'baseUrl', options.baseUrl ?? 'https://api.anthropic.com');
  const name = options.name ?? 'anthropic';
  const model = options.model;
  const label = `${name}:${model}`;
  const settings = resolveHttpSettings(
    where,
    label,
    options,
    { 'x-api-key': options.apiKey, 'anthropic-version': options.version ?? '2023-06-01' },
    [options.apiKey],
  );
  const messagesUrl = `${base.href.replace(/\/+$/, '')}/v1/messages`;

  return {
    specificationVersion: 'v1',
    provider: name,
    modelId: model,
    async generate(request): Promise<GenerateResult> {
      const body = anthropicMessagesBody(request, { model, stream: false, defaultMaxTokens });
      const answer = await postJson(settings, messagesUrl, body, request.signal);
      return anthropicGenerateResult(answer.json, { label, model, providerRequestId: answer.providerRequestId });
    },
    stream(request): AsyncIterable<ModelStreamEvent> {
      const body = anthropicMessagesBody(request, { model, stream: true, defaultMaxTokens });
      return postStream(settings, messagesUrl, body, request.signal, (messages, providerRequestId) =>
        decodeAnthropicStream(messages, providerRequestId, { label, model }),
      );
    },
  };
}
