import { createLocalModel, createRuntime, defineTaskPack, type ModelProvider, type StreamEvent } from '@agentry/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAnthropicProvider, createCostFunction, createOpenAICompatibleProvider } from '../../packages/sdk/src/providers';
import { cacheReadReply, cacheWriteReply } from './fakes/anthropic-examples';
import { startAnthropicFake, type AnthropicFake } from './fakes/anthropic-fake';
import { cachedReply } from './fakes/openai-examples';
import { startOpenAIFake, type OpenAIFake } from './fakes/openai-fake';

// One pack, unchanged, on three models: it calls ctx.model.generate, then ctx.model.stream, and
// the runtime meters both. Usage and cost must match figures computed by hand from the recorded
// responses and the default price table.

const probe = defineTaskPack({
  id: 'model-probe',
  version: '1.0.0',
  description: 'Asks the model once with generate and once with stream.',
  streaming: true,
  input: z.object({ text: z.string() }),
  output: z.object({ generated: z.string(), streamed: z.string() }),
  async *handler(input, ctx) {
    const generated = await ctx.model.generate({ messages: [{ role: 'user', content: input.text }], signal: ctx.signal });
    let streamed = '';
    for await (const event of ctx.model.stream({ messages: [{ role: 'user', content: input.text }], signal: ctx.signal })) {
      if (event.type === 'text-delta') {
        streamed += event.text;
        yield { type: 'text-delta', text: event.text };
      }
    }
    return { generated: generated.text, streamed };
  },
});

async function run(model: ModelProvider) {
  const costOf = createCostFunction();
  const runtime = createRuntime({ packs: [probe], model, costOf });
  const events: StreamEvent[] = [];
  for await (const event of runtime.stream({ agent: 'model-probe', input: { text: 'Agentry meters every model call.' }, tenant: 'acme' })) {
    events.push(event);
  }
  const result = events.find((event) => event.type === 'result');
  if (result?.type !== 'result') throw new Error('no result');
  return { result: result.result, deltas: events.filter((event) => event.type === 'text-delta').length, unknown: [...costOf.unknownModels] };
}

describe('a pack calling ctx.model.generate and ctx.model.stream, unchanged, on each provider', () => {
  let openai: OpenAIFake;
  let anthropic: AnthropicFake;
  beforeAll(async () => {
    [openai, anthropic] = await Promise.all([startOpenAIFake(), startAnthropicFake()]);
  });
  afterAll(() => Promise.all([openai.close(), anthropic.close()]));

  it('on the local model: usage from its token count, cost 0', async () => {
    const { result, unknown } = await run(createLocalModel());
    expect(result.output).toEqual({ generated: 'Agentry meters every model call.', streamed: 'Agentry meters every model call.' });
    // The prompt is the 32-character sentence: 32 / 4 = 8 tokens; the one-sentence summary is the
    // same sentence: 8 tokens. Two calls.
    expect(result.usage).toMatchObject({ inputTokens: 16, outputTokens: 16, cachedInputTokens: 0, cacheWriteTokens: 0, modelCalls: 2, costUsd: 0 });
    expect(unknown).toEqual([]);
  });

  it('on the OpenAI fake: cached tokens priced at the cached rate, inside input tokens', async () => {
    openai.reply = cachedReply;
    const model = createOpenAICompatibleProvider({ baseUrl: openai.baseUrl, apiKey: 'sk-test', model: 'gpt-4o-mini', name: 'openai' });
    const { result, deltas, unknown } = await run(model);
    expect(result.output).toEqual({ generated: cachedReply.text, streamed: cachedReply.text });
    expect(deltas).toBe(cachedReply.textChunks.length);
    expect(result.usage).toMatchObject({ inputTokens: 2 * 2006, cachedInputTokens: 2 * 1920, cacheWriteTokens: 0, outputTokens: 2 * 300, modelCalls: 2 });
    // gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output per million tokens.
    // One call: (2006 - 1920) × 0.15 + 1920 × 0.075 + 300 × 0.60 = 12.9 + 144 + 180 = 336.9 µ$.
    expect(result.usage.costUsd).toBeCloseTo((2 * 336.9) / 1e6, 12);
    expect(unknown).toEqual([]);
  });

  it('on the Anthropic fake: a cache write then a cache read, each priced by its own rate', async () => {
    anthropic.queueReplies(cacheWriteReply, cacheReadReply);
    const model = createAnthropicProvider({ baseUrl: anthropic.baseUrl, apiKey: 'sk-ant-test', model: 'claude-sonnet-4-5' });
    const { result, unknown } = await run(model);
    expect(result.output).toEqual({ generated: cacheWriteReply.text, streamed: cacheReadReply.text });
    expect(result.usage).toMatchObject({
      inputTokens: 2 * (21 + 188086),
      cachedInputTokens: 188086,
      cacheWriteTokens: 188086,
      outputTokens: 2 * 393,
      modelCalls: 2,
    });
    // claude-sonnet-4-5: $3 input, $3.75 cache write, $0.30 cache read, $15 output per million tokens.
    // Write call: 21 × 3 + 188086 × 3.75 + 393 × 15 = 63 + 705322.5 + 5895 = 711280.5 µ$.
    // Read call:  21 × 3 + 188086 × 0.30 + 393 × 15 = 63 + 56425.8 + 5895 = 62383.8 µ$.
    expect(result.usage.costUsd).toBeCloseTo((711280.5 + 62383.8) / 1e6, 12);
    expect(unknown).toEqual([]);
  });
});
