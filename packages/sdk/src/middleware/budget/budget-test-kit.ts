// Test helpers shared by the budget tests (not exported from the package).
import { z } from 'zod';
import { AgentryError, type ModelProvider, type StreamEvent } from '../../contract';
import type { Middleware } from '../../core/middleware';
import { defineTaskPack, type TaskPack } from '../../core/task-pack';
import { createRuntime, type RuntimeCall } from '../../runtime';
import { windowOf } from './budget-limits';

/** Costs exactly `input.cost` dollars: one model call whose output tokens are priced at $1e-6 each. */
export const spender = defineTaskPack({
  id: 'spender',
  version: '1.0.0',
  description: 'spends what it is told',
  input: z.object({ cost: z.number(), fail: z.boolean().optional() }),
  output: z.object({ ok: z.boolean() }),
  async handler(input, context) {
    await context.model.generate({ messages: [{ role: 'user', content: `cost ${input.cost}` }] });
    if (input.fail) throw new AgentryError('AGENTRY_UPSTREAM_ERROR', 'model failed after answering');
    return { ok: true };
  },
});

/** Streams `input.chunks` words; with `input.cost`, after one model call that costs that much (so its result does). */
export const streamer = defineTaskPack({
  id: 'streamer',
  version: '1.0.0',
  description: 'streams words',
  streaming: true,
  input: z.object({ chunks: z.number().int(), cost: z.number().optional() }),
  output: z.object({ text: z.string() }),
  async *handler(input, context) {
    if (input.cost !== undefined) await context.model.generate({ messages: [{ role: 'user', content: `cost ${input.cost}` }] });
    let text = '';
    for (let index = 0; index < input.chunks; index++) {
      text += `w${index} `;
      yield { type: 'text-delta', text: `w${index} ` };
    }
    return { text };
  },
});

/** A model whose answer costs what the prompt says (`cost 0.3` = $0.30): output tokens priced at $1e-6 each. */
export const pricedModel: ModelProvider = {
  specificationVersion: 'v1',
  provider: 'test',
  modelId: 'priced',
  async generate(request) {
    const cost = Number(/cost ([\d.]+)/.exec(request.messages.at(-1)?.content ?? '')?.[1] ?? 0);
    const usage = { inputTokens: 1, outputTokens: Math.round(cost * 1_000_000), cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
    return { text: 'ok', toolCalls: [], finishReason: 'stop', usage, modelId: 'priced' };
  },
  // eslint-disable-next-line require-yield
  async *stream() {
    throw new Error('not used');
  },
};

/** A runtime of `packs` (spender and streamer by default) on the priced model, whose `invoke` defaults to spender. */
export function pricedRuntime(middleware: Middleware[], packs: readonly TaskPack[] = [spender, streamer]) {
  const runtime = createRuntime({
    packs,
    middleware,
    model: pricedModel,
    costOf: (_provider, _model, usage) => usage.outputTokens / 1_000_000,
  });
  return {
    runtime,
    invoke: (call: Omit<RuntimeCall, 'agent'>) => runtime.invoke({ agent: 'spender', ...call }),
  };
}

/** Every event of a stream, and the error it ended with (if any). */
export async function collect(stream: AsyncIterable<StreamEvent>): Promise<{ events: StreamEvent[]; error: unknown }> {
  const seen: StreamEvent[] = [];
  try {
    for await (const event of stream) seen.push(event);
    return { events: seen, error: undefined };
  } catch (error) {
    return { events: seen, error };
  }
}

/** Event types in order, warnings by code: `['start', 'text-delta', 'warning:AGENTRY_BUDGET_SOFT_LIMIT', ...]`. */
export function shapeOf(events: readonly StreamEvent[]): string[] {
  return events.map((event) => (event.type === 'warning' ? `warning:${event.code}` : event.type));
}

/** The counter key of tenant `tenant`'s daily budget today. */
export function todayKey(tenant = 'acme', prefix = 'agentry:budget'): string {
  return `${prefix}:${tenant}:tenant:${windowOf('day', Date.now()).id}`;
}
