// Test helpers shared by the cache tests (not exported from the package).
import { z } from 'zod';
import { AgentryError, type EvalScore, type StreamEvent } from '../../contract';
import type { Middleware } from '../../core/middleware';
import { defineTaskPack } from '../../core/task-pack';
import { createRuntime, type Runtime, type RuntimeCall } from '../../runtime';

/** Packs that count their runs: `echo` (plain), `writer` (streams three deltas), `flaky` (fails first). */
export function createPacks() {
  const runs = { echo: 0, writer: 0, flaky: 0 };
  const signals: AbortSignal[] = [];
  let gate: Promise<void> = Promise.resolve();
  const echo = (version: string) =>
    defineTaskPack({
      id: 'echo',
      version,
      description: 'echo',
      input: z.object({ text: z.string(), extra: z.record(z.string(), z.unknown()).optional() }),
      output: z.object({ text: z.string(), run: z.number(), version: z.string() }),
      handler: async (input, context) => {
        runs.echo++;
        const run = runs.echo;
        signals.push(context.signal);
        await gate;
        return { text: input.text, run, version };
      },
    });
  const writer = defineTaskPack({
    id: 'writer',
    version: '1.0.0',
    description: 'streams',
    streaming: true,
    input: z.object({ text: z.string(), failAfterDeltas: z.boolean().optional() }),
    output: z.object({ text: z.string() }),
    async *handler(input) {
      runs.writer++;
      for (const word of input.text.split(' ')) yield { type: 'text-delta' as const, text: `${word} ` };
      yield { type: 'tool-call' as const, toolCallId: 'call_1', name: 'lookup', args: { q: input.text } };
      if (input.failAfterDeltas) throw new AgentryError('AGENTRY_UPSTREAM_ERROR', 'model went away');
      return { text: input.text };
    },
  });
  const flaky = defineTaskPack({
    id: 'flaky',
    version: '1.0.0',
    description: 'fails on its first run',
    input: z.object({ text: z.string() }),
    output: z.object({ text: z.string() }),
    handler: (input) => {
      runs.flaky++;
      if (runs.flaky === 1) throw new AgentryError('AGENTRY_RATE_LIMITED', 'upstream said 429');
      return { text: input.text };
    },
  });
  return {
    runs,
    signals,
    packs: [echo('1.0.0'), echo('1.1.0'), writer, flaky],
    /** Holds every echo run until the returned function is called. */
    hold(): () => void {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return release;
    },
  };
}

/**
 * Stands in for the eval middleware and a priced model, inside the cache: every run costs
 * `costUsd` and 7 output tokens and gets the evals `scores(output)` returns.
 */
export function scoring(scores: (output: unknown) => EvalScore[] = () => [], costUsd = 0.02): Middleware {
  return {
    name: 'scoring',
    async *handle(invocation, next) {
      for await (const event of next(invocation)) {
        if (event.type === 'usage') {
          yield { type: 'usage', usage: { ...event.usage, costUsd, outputTokens: 7, modelCalls: 1 } };
        } else if (event.type === 'result') {
          const evals = scores(event.result.output);
          for (const score of evals) yield { type: 'eval', eval: score };
          yield { type: 'result', result: { ...event.result, usage: { ...event.result.usage, costUsd, outputTokens: 7, modelCalls: 1 }, evals } };
        } else {
          yield event;
        }
      }
    },
  };
}

export function runtimeWith(packs: ReturnType<typeof createPacks>['packs'], middleware: Middleware[]): Runtime {
  return createRuntime({ packs, middleware });
}

export async function streamEvents(runtime: Runtime, call: RuntimeCall): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of runtime.stream(call)) events.push(event);
  return events;
}

/** Event types and their keys: what "the same shape" means for a replayed stream. */
export function shapes(events: readonly StreamEvent[]): string[] {
  return events.map((event) => `${event.type}(${Object.keys(event).sort().join(',')})`);
}
