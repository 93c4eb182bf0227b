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
  /** Non-streamed: actual cost as a fraction of the estimate (the estimate is a true worst case). */
  fraction: number;
  /** Streamed: cost of each chunk in micro-dollars; their sum may exceed the estimate. */
  chunks: number[] | undefined;
}

const plannedCall: fc.Arbitrary<PlannedCall> = fc.record({
  estimate: fc.integer({ min: 1, max: 400_000 }),
  fraction: fc.double({ min: 0, max: 1, noNaN: true }),
  chunks: fc.option(fc.array(fc.integer({ min: 0, max: 50_000 }), { minLength: 1, maxLength: 12 }), { nil: undefined }),
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
  it('never lets settled spend pass the hard limit by more than one chunk per stream it had to cut', async () => {
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
          const terminal: Next = async function* (invocation) {
            const plan = invocation.input as PlannedCall;
            if (plan.chunks === undefined) {
              await scheduler.schedule(Promise.resolve(), 'model call');
              const cost = Math.floor(plan.estimate * plan.fraction);
              incurred += cost;
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
            try {
              for await (const _event of pipeline(invocationFor(index, plan))) {
                // consume
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
          // ...and that never passes the hard limit by more than one chunk per cut stream.
          expect(incurred).toBeLessThanOrEqual(hardMicros + cut * maxChunk);
          if (cut === 0) expect(incurred).toBeLessThanOrEqual(hardMicros);
        },
      ),
      { numRuns: 150 },
    );
  });
});
