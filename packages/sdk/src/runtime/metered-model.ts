import { addTokenUsage, emptyTokenUsage, type ModelProvider, type ModelStreamEvent, type TokenUsage } from '../contract';

/** Turns a model call's token usage into US dollars. */
export type CostFunction = (provider: string, modelId: string, usage: TokenUsage) => number;

/** Usage accumulated over all model calls of one invocation. */
export interface ModelMeter {
  readonly tokens: TokenUsage;
  costUsd: number;
  calls: number;
}

export function createModelMeter(): ModelMeter {
  return { tokens: emptyTokenUsage(), costUsd: 0, calls: 0 };
}

/**
 * Wraps a provider so every call adds its usage and cost to `meter`, and every call gets the
 * invocation's signal unless the pack passed its own.
 */
export function meterModel(model: ModelProvider, meter: ModelMeter, signal: AbortSignal, costOf: CostFunction): ModelProvider {
  // Priced under the provider and model that actually answered (a fallback may have).
  function record(provider: string, modelId: string, usage: TokenUsage): void {
    addTokenUsage(meter.tokens, usage);
    meter.costUsd += costOf(provider, modelId, usage);
  }
  const metered: ModelProvider = {
    specificationVersion: 'v1',
    provider: model.provider,
    modelId: model.modelId,
    async generate(request) {
      meter.calls++;
      const result = await model.generate({ ...request, signal: request.signal ?? signal });
      record(result.provider ?? model.provider, result.modelId || model.modelId, result.usage);
      return result;
    },
    async *stream(request): AsyncIterable<ModelStreamEvent> {
      meter.calls++;
      // Usage may arrive before `end` names the model; price it once the stream is over.
      const usage = emptyTokenUsage();
      let modelId = model.modelId;
      let provider = model.provider;
      try {
        for await (const event of model.stream({ ...request, signal: request.signal ?? signal })) {
          if (event.type === 'usage') addTokenUsage(usage, event.usage);
          if (event.type === 'end') {
            if (event.modelId) modelId = event.modelId;
            provider = event.provider ?? provider;
          }
          yield event;
        }
      } finally {
        // Counted even when the consumer stops early: the provider billed what it sent.
        record(provider, modelId, usage);
      }
    },
  };
  const embed = model.embed;
  if (embed) {
    // Called on `model` as bound at wrap time, without a bound copy per invocation.
    metered.embed = async (texts, options) => {
      meter.calls++;
      const result = await embed.call(model, texts, { signal: options?.signal ?? signal });
      record(model.provider, result.modelId ?? model.modelId, { ...emptyTokenUsage(), inputTokens: result.usage.inputTokens });
      return result;
    };
  }
  return metered;
}
