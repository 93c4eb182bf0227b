import type { EmbedResult, GenerateResult, ModelProvider, ModelStreamEvent } from '../contract';
import { decodeOpenAIStream } from './openai-stream-decoder';
import { openAIChatBody, openAIEmbeddingsSchema, openAIGenerateResult, type MaxTokensField } from './openai-wire';
import { unexpectedShape } from './provider-error';
import { postJson, postStream } from './provider-http';
import { parseBaseUrl, resolveHttpSettings, type HttpProviderOptions } from './provider-settings';

/** Options of {@link createOpenAICompatibleProvider}. */
export interface OpenAICompatibleProviderOptions extends HttpProviderOptions {
  /**
   * Base URL including the API version path, as the OpenAI clients take it:
   * `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1` (Ollama), `http://127.0.0.1:8000/v1` (vLLM).
   * @default 'https://api.openai.com/v1'
   */
  baseUrl?: string;
  /** API key. Optional for local servers that need none. Never logged or put in an error. */
  apiKey?: string;
  /** Header that carries the key: `authorization` sends `Bearer <key>`, any other name (Azure: `api-key`) the bare key. @default 'authorization' */
  apiKeyHeader?: string;
  /** Full URL of chat completions, for deployments that do not follow `<baseUrl>/chat/completions` (Azure). @default `${baseUrl}/chat/completions` */
  chatCompletionsUrl?: string;
  /** Full URL of embeddings. @default `${baseUrl}/embeddings` */
  embeddingsUrl?: string;
  /** Query parameters added to every URL, e.g. `{ 'api-version': '2024-10-21' }` for Azure. @default {} */
  query?: Record<string, string>;
  /** Provider name used in the price table and in messages. @default 'openai' for api.openai.com, otherwise 'openai-compatible' */
  name?: string;
  /** Body field of the output limit; OpenAI's reasoning models refuse `max_tokens`. @default 'max_completion_tokens' for api.openai.com, otherwise 'max_tokens' */
  maxTokensField?: MaxTokensField;
  /** Model `embed` uses. @default the `model` option */
  embeddingModel?: string;
}

/**
 * A model provider over the OpenAI Chat Completions API: OpenAI, Azure OpenAI, vLLM, Ollama,
 * LiteLLM and gateways. Streams with `stream_options.include_usage`, assembles streamed tool
 * calls, embeds with `/embeddings`, retries before the first event, and ends stalled streams.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` when an option is missing or malformed.
 * @example
 * const model = createOpenAICompatibleProvider({
 *   baseUrl: 'https://api.openai.com/v1', apiKey: process.env.OPENAI_API_KEY, model: 'gpt-4o-mini',
 * });
 * const { text } = await model.generate({ messages: [{ role: 'user', content: 'Hello' }] });
 */
export function createOpenAICompatibleProvider(options: OpenAICompatibleProviderOptions): ModelProvider {
  const where = 'createOpenAICompatibleProvider';
  const base = parseBaseUrl(where, 'baseUrl', options.baseUrl ?? 'https://api.openai.com/v1');
  const isOpenAI = base.hostname === 'api.openai.com';
  const name = options.name ?? (isOpenAI ? 'openai' : 'openai-compatible');
  const model = options.model;
  const label = `${name}:${model}`;
  const keyHeader = (options.apiKeyHeader ?? 'authorization').toLowerCase();
  const authHeaders: Record<string, string> =
    options.apiKey === undefined || options.apiKey === ''
      ? {}
      : { [keyHeader]: keyHeader === 'authorization' ? `Bearer ${options.apiKey}` : options.apiKey };
  const settings = resolveHttpSettings(where, label, options, authHeaders, options.apiKey ? [options.apiKey] : []);
  const baseHref = base.href.replace(/\/+$/, '');
  const chatUrl = withQuery(parseBaseUrl(where, 'chatCompletionsUrl', options.chatCompletionsUrl ?? `${baseHref}/chat/completions`), options.query);
  const embeddingsUrl = withQuery(parseBaseUrl(where, 'embeddingsUrl', options.embeddingsUrl ?? `${baseHref}/embeddings`), options.query);
  const maxTokensField = options.maxTokensField ?? (isOpenAI ? 'max_completion_tokens' : 'max_tokens');
  const embeddingModel = options.embeddingModel ?? model;

  return {
    specificationVersion: 'v1',
    provider: name,
    modelId: model,
    async generate(request): Promise<GenerateResult> {
      const body = openAIChatBody(request, { model, stream: false, maxTokensField });
      const answer = await postJson(settings, chatUrl, body, request.signal);
      return openAIGenerateResult(answer.json, { label, model, providerRequestId: answer.providerRequestId });
    },
    stream(request): AsyncIterable<ModelStreamEvent> {
      const body = openAIChatBody(request, { model, stream: true, maxTokensField });
      return postStream(settings, chatUrl, body, request.signal, (messages, providerRequestId) =>
        decodeOpenAIStream(messages, providerRequestId, { label, model }),
      );
    },
    async embed(texts, embedOptions): Promise<EmbedResult> {
      if (texts.length === 0) return { embeddings: [], usage: { inputTokens: 0 } };
      const answer = await postJson(
        { ...settings, label: `${name}:${embeddingModel}` },
        embeddingsUrl,
        { model: embeddingModel, input: texts, encoding_format: 'float' },
        embedOptions?.signal,
      );
      const parsed = openAIEmbeddingsSchema.safeParse(answer.json);
      if (!parsed.success) throw unexpectedShape(`${name}:${embeddingModel}`, parsed.error, answer.providerRequestId);
      // The API may answer out of order; `index` says which input each vector belongs to.
      const embeddings = [...parsed.data.data].sort((a, b) => a.index - b.index).map((entry) => entry.embedding);
      return { embeddings, usage: { inputTokens: parsed.data.usage?.prompt_tokens ?? 0 }, modelId: embeddingModel };
    },
  };
}

function withQuery(url: URL, query: Record<string, string> | undefined): string {
  for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
  return url.href;
}
