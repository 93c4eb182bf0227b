import { AgentryError, toAgentryError, type GenerateResult, type ModelProvider, type ModelStreamEvent } from '../contract';
import { cancelled } from './attempt-failure';

/** What a fallback hook is told. */
export interface FallbackInfo {
  /** The provider that failed. */
  from: ModelProvider;
  /** The provider tried next. */
  to: ModelProvider;
  error: AgentryError;
}

/** Options of {@link createFallbackProvider}. */
export interface FallbackProviderOptions {
  /** Whether a failure moves the call to the next provider. @default `error.retryable` (the provider's own retries are spent by then) */
  shouldFallback?: (error: AgentryError) => boolean;
  /** Called each time the call moves on (metrics, logs). */
  onFallback?: (info: FallbackInfo) => void;
}

/**
 * Tries providers in order. A call moves to the next provider only when the current one failed
 * with a retryable error (rate limited, overloaded, 5xx, connection, stall) before its first event
 * reached the caller; an invalid request, a refused key or a failure mid-stream ends the call, since
 * another provider would either fail the same way or repeat text the caller has already seen.
 * Results and `end` events name the provider that answered in `provider`. `embed` uses the first
 * provider only: vectors of different models cannot be mixed in one index.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` when no provider is given.
 * @example
 * const model = createFallbackProvider([
 *   createOpenAICompatibleProvider({ apiKey: openAIKey, model: 'gpt-4o-mini' }),
 *   createAnthropicProvider({ apiKey: anthropicKey, model: 'claude-haiku-4-5' }),
 * ]);
 */
export function createFallbackProvider(providers: readonly ModelProvider[], options: FallbackProviderOptions = {}): ModelProvider {
  if (!Array.isArray(providers) || providers.length === 0) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', 'createFallbackProvider: `providers` must list at least one provider');
  }
  const chain = [...providers];
  const primary = chain[0]!;
  const shouldFallback = options.shouldFallback ?? ((error: AgentryError) => error.retryable);
  const label = `fallback(${chain.map((provider) => `${provider.provider}:${provider.modelId}`).join(', ')})`;

  /** Throws `error` unless the call may move on to `chain[index + 1]`. */
  function moveOn(error: unknown, index: number, signal: AbortSignal | undefined): void {
    if (signal?.aborted) throw cancelled(signal, label);
    const failure = toAgentryError(error, 'AGENTRY_UPSTREAM_ERROR', label);
    const next = chain[index + 1];
    if (next === undefined || !shouldFallback(failure)) throw failure;
    options.onFallback?.({ from: chain[index]!, to: next, error: failure });
  }

  const fallback: ModelProvider = {
    specificationVersion: 'v1',
    provider: primary.provider,
    modelId: primary.modelId,
    async generate(request): Promise<GenerateResult> {
      for (let index = 0; ; index++) {
        const provider = chain[index]!;
        try {
          const result = await provider.generate(request);
          return { ...result, provider: result.provider ?? provider.provider };
        } catch (error) {
          moveOn(error, index, request.signal);
        }
      }
    },
    async *stream(request): AsyncIterable<ModelStreamEvent> {
      for (let index = 0; ; index++) {
        const provider = chain[index]!;
        let delivered = false;
        try {
          for await (const event of provider.stream(request)) {
            delivered = true;
            yield event.type === 'end' ? { ...event, provider: event.provider ?? provider.provider } : event;
          }
          return;
        } catch (error) {
          if (delivered) throw toAgentryError(error, 'AGENTRY_UPSTREAM_ERROR', label);
          moveOn(error, index, request.signal);
        }
      }
    },
  };
  if (primary.embed) fallback.embed = primary.embed.bind(primary);
  return fallback;
}
