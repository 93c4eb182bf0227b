import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { emptyTokenUsage, type ModelProvider } from '../contract';
import { defineTaskPack } from '../core/task-pack';
import { createRuntime } from './runtime';

/** A provider that answers every call with a fixed usage, under the names the price table knows it by. */
function fakeProvider(provider: string, modelId: string): ModelProvider {
  const usage = { ...emptyTokenUsage(), inputTokens: 1_000, outputTokens: 500 };
  return {
    specificationVersion: 'v1',
    provider,
    modelId,
    generate: async () => ({ text: 'answer', toolCalls: [], finishReason: 'stop', usage, modelId }),
    async *stream() {
      yield { type: 'text-delta', text: 'answer' } as const;
    },
  };
}

const askModel = defineTaskPack({
  id: 'ask',
  version: '1.0.0',
  description: 'Asks the model once.',
  capabilities: { model: true },
  input: z.object({ question: z.string() }),
  output: z.object({ answer: z.string() }),
  handler: async (input, context) => ({ answer: (await context.model.generate({ messages: [{ role: 'user', content: input.question }] })).text }),
});

const call = { agent: 'ask', input: { question: 'why?' }, tenant: 'acme' };

describe('createRuntime pricing by default', () => {
  it('prices a known model with the default price table when no costOf is given', async () => {
    const runtime = createRuntime({ packs: [askModel], model: fakeProvider('openai', 'gpt-4o-mini') });
    const result = await runtime.invoke(call);
    // 1,000 input tokens at $0.15 and 500 output tokens at $0.60 per million.
    expect(result.usage.costUsd).toBeCloseTo(0.00045, 10);
  });

  it('says once, through the logger, that a model without a price is metered at $0', async () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (message: string) => void warnings.push(message) };
    const runtime = createRuntime({ packs: [askModel], model: fakeProvider('acme-ai', 'mystery-1'), logger });
    for (let index = 0; index < 3; index++) expect((await runtime.invoke(call)).usage.costUsd).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/no price for acme-ai:mystery-1 in price table .+: its calls are metered at \$0/);
  });

  it('keeps the local model free and silent', async () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (message: string) => void warnings.push(message) };
    const runtime = createRuntime({ packs: [askModel], logger });
    expect((await runtime.invoke(call)).usage.costUsd).toBe(0);
    expect(warnings).toEqual([]);
  });
});
