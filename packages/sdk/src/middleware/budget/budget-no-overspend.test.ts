import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentEvent, Invocation } from '../../core/invocation';
import { compose } from '../../core/compose';
import type { Next } from '../../core/middleware';
import type { CounterStore } from '../../stores/counter-store';
import { createMemoryCounterStore } from '../../stores/memory-counter-store';
import { budgetMiddleware } from './budget-middleware';

interface PlannedCall {
  /** Worst-case estimate in micro-dollars. */
  estimate: number;
  /** Non-streamed: actual cost as a fraction of the estimate; past 1 the estimate fell short, learnt only from the final usage. */
  fraction: number;
  /** Streamed: cost of each chunk in micro-dollars; their sum may exceed the estimate. */
  chunks: number[] | undefined;
  /** Streamed: cost known only at the end (the prompt's tokens, say), in the final usage on top of the chunks'. */
  tail: number;
}

const plannedCall: fc.Arbitrary<PlannedCall> = fc.record({
  estimate: fc.integer({ min: 1, max: 400_000 }),
  fraction: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 1, max: 1.5, noNaN: true })),
  chunks: fc.option(fc.array(fc.integer({ min: 0, max: 50_000 }), { minLength: 1, maxLength: 12 }), { nil: undefined }),
  tail: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50_000 })),
});

function invocationFor(index: number, plan: PlannedCall): Invocation {
  return {
    id: `inv_${index}`,
    requestId: `req_${index}`,
    agent: 'planned',
    version: '1.0.0',
    input: plan,
    tenant: 'acme',
    subject: undefined,
    metadata: {},
    mode: plan.chunks ? 'stream' : 'invoke',
    cache: undefined,
    signal: new AbortController().signal,
    startedAt: 0,
    state: new Map(),
  };
}

function usage(costUsd: number): AgentEvent {
  return { type: 'usage', usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUsd, latencyMs: 0, modelCalls: 1 } };
}

function result(invocation: Invocation, costUsd: number): AgentEvent {
  return {
    type: 'result',
    result: {
      id: invocation.id,
      agent: invocation.agent,
      version: invocation.version,
      output: {},
      usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUsd, latencyMs: 0, modelCalls: 1 },
      cache: { hit: false },
      evals: [],
      variant: null,
      requestId: invocation.requestId,
    },
  };
}

describe('budgetMiddleware under concurrency (property)', () => {
  it('never lets settled spend pass the hard limit by more than one chunk per stream it cut, plus what calls it warned of overran', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.array(plannedCall, { minLength: 1, maxLength: 30 }),
        async (scheduler, hardMicros, plans) => {
          const memory = createMemoryCounterStore();
          // Every store round trip starts when the scheduler says, so reserves and settlements of
          // different calls interleave in the orders fast-check picks; each operation stays atomic.
          const counters: CounterStore = {
            get: async (key) => (await scheduler.schedule(Promise.resolve(), 'get'), memory.get(key)),
            increment: async (...args) => (await scheduler.schedule(Promise.resolve(), 'increment'), memory.increment(...args)),
            incrementIfWithin: async (...args) => (await scheduler.schedule(Promise.resolve(), 'reserve'), memory.incrementIfWithin(...args)),
          };
          /** What the "model" really spent, in micro-dollars: the reference the counter must match. */
          let incurred = 0;
          let cut = 0;
          /** By call: how much its final cost came to past all it could have reserved before it (its estimate, its chunks). */
          const beyondReach = new Map<string, number>();
          let overranBy = 0;
          const terminal: Next = async function* (invocation) {
            const plan = invocation.input as PlannedCall;
            if (plan.chunks === undefined) {
              await scheduler.schedule(Promise.resolve(), 'model call');
              const cost = Math.floor(plan.estimate * plan.fraction);
              incurred += cost;
              beyondReach.set(invocation.id, Math.max(0, cost - plan.estimate));
              // As the runtime does: the final usage, then the result.
              yield usage(cost / 1_000_000);
              yield result(invocation, cost / 1_000_000);
              return;
            }
            let total = 0;
            for (const [index, chunk] of plan.chunks.entries()) {
              await scheduler.schedule(Promise.resolve(), 'chunk');
              incurred += chunk;
              total += chunk;
              yield { type: 'text-delta', text: `${index}:${chunk}` };
            }
            await scheduler.schedule(Promise.resolve(), 'final usage');
            beyondReach.set(invocation.id, Math.max(0, total + plan.tail - Math.max(plan.estimate, total)));
            incurred += plan.tail;
            total += plan.tail;
            yield usage(total / 1_000_000);
            yield result(invocation, total / 1_000_000);
          };
          const budget = budgetMiddleware({
            counters,
            limits: { acme: { period: 'month', hardUsd: hardMicros / 1_000_000 } },
            estimate: (invocation) => (invocation.input as PlannedCall).estimate / 1_000_000,
            chunkCost: (event) => (event.type === 'text-delta' ? Number(event.text.split(':')[1]) / 1_000_000 : 0),
          });
          const pipeline = compose([budget], terminal);
          const runs = plans.map(async (plan, index) => {
            const invocation = invocationFor(index, plan);
            try {
              for await (const event of pipeline(invocation)) {
                if (event.type === 'warning' && event.code === 'AGENTRY_BUDGET_OVERRUN') overranBy += beyondReach.get(invocation.id)!;
              }
            } catch (error) {
              const message = (error as Error).message;
              if (message.includes('during the stream')) cut++;
              else if (!message.includes('refused')) throw error;
            }
          });
          await scheduler.waitFor(Promise.all(runs));
          const maxChunk = Math.max(0, ...plans.flatMap((plan) => plan.chunks ?? []));
          const key = (await memory.get(`agentry:budget:acme:tenant:${new Date().toISOString().slice(0, 7)}`)) ;
          // The counter holds exactly what was spent once every call settled...
          expect(key).toBe(incurred);
          // ...and that never passes the hard limit by more than one chunk per cut stream, plus what
          // the calls that were warned of an overrun spent past their reach (paid before it was known).
          expect(incurred).toBeLessThanOrEqual(hardMicros + cut * maxChunk + overranBy);
          if (cut === 0 && overranBy === 0) expect(incurred).toBeLessThanOrEqual(hardMicros);
        },
      ),
      { numRuns: 150 },
    );
  });
});
