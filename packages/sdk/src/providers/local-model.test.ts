import { describe, expect, it } from 'vitest';
import { createLocalModel } from './local-model';

const text = 'Budgets stop overspend. Metering counts tokens. Budgets and metering share counters. Lunch was fine.';

describe('the deterministic local model', () => {
  it('answers the same request with the same text and usage every time', async () => {
    const model = createLocalModel();
    const request = { messages: [{ role: 'user' as const, content: text }] };
    const first = await model.generate(request);
    expect(await model.generate(request)).toEqual(first);
    expect(first.text).toBe('Budgets stop overspend. Budgets and metering share counters.');
    expect(first.usage).toMatchObject({ inputTokens: Math.ceil(text.length / 4), outputTokens: Math.ceil(first.text.length / 4) });
  });

  it('streams the same text it generates, then usage, then end', async () => {
    const model = createLocalModel();
    const request = { messages: [{ role: 'user' as const, content: text }] };
    let streamed = '';
    const types: string[] = [];
    for await (const event of model.stream(request)) {
      types.push(event.type);
      if (event.type === 'text-delta') streamed += event.text;
    }
    expect(streamed).toBe((await model.generate(request)).text);
    expect(types.slice(-2)).toEqual(['usage', 'end']);
  });

  it('honours maxTokens with finish reason length', async () => {
    const result = await createLocalModel().generate({ messages: [{ role: 'user', content: text }], maxTokens: 2 });
    expect(result).toMatchObject({ text: 'Budgets stop', finishReason: 'length' });
  });

  it('embeds texts as unit vectors, similar texts closer than unrelated ones', async () => {
    const { embeddings } = await createLocalModel().embed!(['budget limits spend', 'spend budget limits', 'weather report']);
    const dot = (a: number[], b: number[]) => a.reduce((sum, value, index) => sum + value * b[index]!, 0);
    expect(dot(embeddings[0]!, embeddings[0]!)).toBeCloseTo(1);
    expect(dot(embeddings[0]!, embeddings[1]!)).toBeGreaterThan(dot(embeddings[0]!, embeddings[2]!));
  });

  it('stops with AGENTRY_CANCELLED when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(createLocalModel().generate({ messages: [], signal: controller.signal })).rejects.toMatchObject({ code: 'AGENTRY_CANCELLED' });
  });
});
