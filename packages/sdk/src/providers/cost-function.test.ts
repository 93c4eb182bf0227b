import { describe, expect, it } from 'vitest';
import { anthropicUsage } from './anthropic-wire';
import { createCostFunction } from './cost-function';
import { openAIUsage } from './openai-wire';
import { createPriceTable } from './price-table';

// Recorded usage blocks, as each API returns them, priced by hand with the default table.

describe('cost of a recorded OpenAI response', () => {
  const costOf = createCostFunction();

  it('charges cached tokens, a subset of prompt_tokens, at the cached rate', () => {
    // https://platform.openai.com/docs/guides/prompt-caching usage block, on gpt-4o ($2.50 / $1.25 cached / $10).
    const usage = openAIUsage({ prompt_tokens: 2006, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 1920 } });
    // (2006 - 1920) × 2.50 + 1920 × 1.25 + 300 × 10 = 215 + 2400 + 3000 = 5615 µ$
    expect(costOf('openai', 'gpt-4o-2024-08-06', usage)).toBeCloseTo(0.005615, 12);
  });

  it('charges a response without cache hits at the input rate', () => {
    // The chat completion example: 19 prompt, 10 completion tokens on gpt-4.1 ($2 / $8).
    const usage = openAIUsage({ prompt_tokens: 19, completion_tokens: 10, prompt_tokens_details: { cached_tokens: 0 } });
    // 19 × 2 + 10 × 8 = 118 µ$
    expect(costOf('openai', 'gpt-4.1-2025-04-14', usage)).toBeCloseTo(0.000118, 12);
  });

  it('does not charge reasoning tokens twice: they are inside completion_tokens', () => {
    // o3-mini ($1.10 / $4.40): 75 prompt, 1186 completion of which 1024 reasoning.
    const usage = openAIUsage({ prompt_tokens: 75, completion_tokens: 1186, completion_tokens_details: { reasoning_tokens: 1024 } });
    // 75 × 1.10 + 1186 × 4.40 = 82.5 + 5218.4 = 5300.9 µ$
    expect(costOf('openai', 'o3-mini', usage)).toBeCloseTo(0.0053009, 12);
  });

  it('charges embeddings at their input rate', () => {
    const usage = openAIUsage({ prompt_tokens: 8 });
    expect(costOf('openai', 'text-embedding-3-small', usage)).toBeCloseTo((8 * 0.02) / 1e6, 15);
  });
});

describe('cost of a recorded Anthropic response', () => {
  const costOf = createCostFunction();

  it('prices a cache write and the uncached input apart', () => {
    // claude-sonnet-4-5 ($3 input / $3.75 write / $0.30 read / $15 output), usage as the API sends it.
    const usage = anthropicUsage({ input_tokens: 21, cache_creation_input_tokens: 188086, cache_read_input_tokens: 0, output_tokens: 393 });
    // 21 × 3 + 188086 × 3.75 + 393 × 15 = 63 + 705322.5 + 5895 = 711280.5 µ$
    expect(costOf('anthropic', 'claude-sonnet-4-5-20250929', usage)).toBeCloseTo(0.7112805, 12);
  });

  it('prices a cache hit at the read rate', () => {
    const usage = anthropicUsage({ input_tokens: 21, cache_creation_input_tokens: 0, cache_read_input_tokens: 188086, output_tokens: 393 });
    // 21 × 3 + 188086 × 0.30 + 393 × 15 = 63 + 56425.8 + 5895 = 62383.8 µ$
    expect(costOf('anthropic', 'claude-sonnet-4-5-20250929', usage)).toBeCloseTo(0.0623838, 12);
  });

  it('prices the documented basic message on claude-haiku-4-5', () => {
    // 25 input, 15 output at $1 / $5: 25 + 75 = 100 µ$
    expect(costOf('anthropic', 'claude-haiku-4-5', anthropicUsage({ input_tokens: 25, output_tokens: 15 }))).toBeCloseTo(0.0001, 12);
  });
});

describe('createCostFunction', () => {
  it('costs an unknown model 0 and reports it once', () => {
    const reported: string[] = [];
    const costOf = createCostFunction(undefined, { onUnknownModel: (provider, model) => reported.push(`${provider}:${model}`) });
    const usage = openAIUsage({ prompt_tokens: 1000, completion_tokens: 1000 });
    expect(costOf('openai-compatible', 'llama3.1:8b', usage)).toBe(0);
    expect(costOf('openai-compatible', 'llama3.1:8b', usage)).toBe(0);
    expect(reported).toEqual(['openai-compatible:llama3.1:8b']);
    expect([...costOf.unknownModels]).toEqual(['openai-compatible:llama3.1:8b']);
  });

  it('uses the overrides of a custom table', () => {
    const table = createPriceTable({ providers: { 'openai-compatible': { 'llama3.1:8b': { input: 0.1, output: 0.2, asOf: '2025-12-01' } } } });
    const costOf = createCostFunction(table);
    expect(costOf('openai-compatible', 'llama3.1:8b', openAIUsage({ prompt_tokens: 1000, completion_tokens: 500 }))).toBeCloseTo(0.0002, 12);
    expect(costOf.unknownModels.size).toBe(0);
  });
});
