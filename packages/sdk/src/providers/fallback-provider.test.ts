import { describe, expect, it } from 'vitest';
import { AgentryError, emptyTokenUsage, isAgentryError, type ModelProvider, type ModelStreamEvent } from '../contract';
import { createFallbackProvider } from './fallback-provider';

function stub(name: string, behaviour: { fail?: AgentryError; failAfterFirstEvent?: AgentryError }): ModelProvider & { calls: number } {
  const provider = {
    specificationVersion: 'v1' as const,
    provider: name,
    modelId: `${name}-model`,
    calls: 0,
    async generate() {
      provider.calls++;
      if (behaviour.fail) throw behaviour.fail;
      return { text: name, toolCalls: [], finishReason: 'stop' as const, usage: emptyTokenUsage(), modelId: `${name}-model` };
    },
    async *stream(): AsyncIterable<ModelStreamEvent> {
      provider.calls++;
      if (behaviour.fail) throw behaviour.fail;
      yield { type: 'text-delta', text: name };
      if (behaviour.failAfterFirstEvent) throw behaviour.failAfterFirstEvent;
      yield { type: 'end', finishReason: 'stop', modelId: `${name}-model` };
    },
    async embed() {
      return { embeddings: [[1]], usage: { inputTokens: 1 } };
    },
  };
  return provider;
}

const overloaded = () => new AgentryError('AGENTRY_UPSTREAM_ERROR', 'overloaded');

async function caught(promise: Promise<unknown>): Promise<AgentryError> {
  try {
    await promise;
  } catch (error) {
    if (isAgentryError(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('createFallbackProvider', () => {
  it('refuses an empty chain', () => {
    expect(() => createFallbackProvider([])).toThrow(/at least one provider/);
  });

  it('takes the primary name and model, and the primary embed only', async () => {
    const primary = stub('a', {});
    const chain = createFallbackProvider([primary, stub('b', {})]);
    expect(chain).toMatchObject({ provider: 'a', modelId: 'a-model' });
    expect(await chain.embed!(['x'])).toEqual({ embeddings: [[1]], usage: { inputTokens: 1 } });
  });

  it('has no embed when the primary has none', () => {
    const { embed: _embed, ...withoutEmbed } = stub('a', {});
    expect(createFallbackProvider([withoutEmbed, stub('b', {})]).embed).toBeUndefined();
  });

  it('moves on after a retryable failure and says which provider answered', async () => {
    const moves: string[] = [];
    const chain = createFallbackProvider([stub('a', { fail: overloaded() }), stub('b', {})], {
      onFallback: ({ from, to, error }) => moves.push(`${from.provider}->${to.provider}:${error.code}`),
    });
    expect(await chain.generate({ messages: [] })).toMatchObject({ text: 'b', provider: 'b' });
    expect(moves).toEqual(['a->b:AGENTRY_UPSTREAM_ERROR']);
  });

  it('follows a custom shouldFallback', async () => {
    const invalid = new AgentryError('AGENTRY_INVALID_REQUEST', 'model not found');
    const chain = createFallbackProvider([stub('a', { fail: invalid }), stub('b', {})], { shouldFallback: (error) => error.code === 'AGENTRY_INVALID_REQUEST' });
    expect((await chain.generate({ messages: [] })).provider).toBe('b');
  });

  it('does not move on once the caller has seen an event', async () => {
    const secondary = stub('b', {});
    const chain = createFallbackProvider([stub('a', { failAfterFirstEvent: overloaded() }), secondary]);
    const seen: string[] = [];
    const error = await caught(
      (async () => {
        for await (const event of chain.stream({ messages: [] })) if (event.type === 'text-delta') seen.push(event.text);
      })(),
    );
    expect(error.code).toBe('AGENTRY_UPSTREAM_ERROR');
    expect(seen).toEqual(['a']);
    expect(secondary.calls).toBe(0);
  });

  it('does not move on when the caller cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const secondary = stub('b', {});
    const chain = createFallbackProvider([stub('a', { fail: overloaded() }), secondary]);
    const error = await caught(chain.generate({ messages: [], signal: controller.signal }));
    expect(error.code).toBe('AGENTRY_CANCELLED');
    expect(secondary.calls).toBe(0);
  });

  it('names the answering provider on the end event of a stream', async () => {
    const chain = createFallbackProvider([stub('a', { fail: overloaded() }), stub('b', {})]);
    const events: ModelStreamEvent[] = [];
    for await (const event of chain.stream({ messages: [] })) events.push(event);
    expect(events.at(-1)).toEqual({ type: 'end', finishReason: 'stop', modelId: 'b-model', provider: 'b' });
  });
});
