import { AgentryError, type GenerateRequest, type ModelProvider } from '../contract';

/**
 * Enforces a pack's `limits.maxTokens` over all model calls of one invocation: each request's
 * `maxTokens` is lowered to what is left, and a call made once the allowance is spent is refused
 * with AGENTRY_BUDGET_EXCEEDED before it reaches the provider. `used` reads the invocation's
 * metered usage (input + output tokens), so the count is the one billed.
 */
export function limitModelTokens(model: ModelProvider, options: { maxTokens: number; used: () => number; label: string }): ModelProvider {
  const remaining = (): number => {
    const left = options.maxTokens - options.used();
    if (left <= 0) {
      throw new AgentryError(
        'AGENTRY_BUDGET_EXCEEDED',
        `invoke ${options.label}: the pack's token limit of ${options.maxTokens} (limits.maxTokens) is spent`,
        { hint: 'Send a smaller input, or raise limits.maxTokens in the pack manifest.' },
      );
    }
    return left;
  };
  const capped = (request: GenerateRequest): GenerateRequest => {
    const left = remaining();
    return { ...request, maxTokens: Math.min(request.maxTokens ?? left, left) };
  };
  const limited: ModelProvider = {
    specificationVersion: 'v1',
    provider: model.provider,
    modelId: model.modelId,
    generate: (request) => Promise.resolve().then(() => model.generate(capped(request))),
    async *stream(request) {
      yield* model.stream(capped(request));
    },
  };
  if (model.embed) {
    const embed = model.embed.bind(model);
    limited.embed = async (texts, embedOptions) => {
      remaining();
      return embed(texts, embedOptions);
    };
  }
  return limited;
}
