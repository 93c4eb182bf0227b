import { describe, expect, it } from 'vitest';
import { AgentryError, type InvokeResult } from '../contract';
import type { AgentEvent, Invocation } from '../core/invocation';
import { ObservedEvents, type ObservedInvocation } from './observed-events';

const invocation = { agent: 'echo', tenant: 'acme', mode: 'stream' } as Invocation;
const usage = { inputTokens: 3, outputTokens: 2, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costUsd: 0.1, latencyMs: 1, modelCalls: 1 };
const result = { usage, cache: { hit: false } } as unknown as InvokeResult;

async function* events(fail?: Error): AsyncGenerator<AgentEvent> {
  yield { type: 'text-delta', text: 'a' };
  yield { type: 'usage', usage };
  if (fail !== undefined) throw fail;
  yield { type: 'result', result };
}

function observe(source: () => AsyncIterable<AgentEvent>) {
  const reports: ObservedInvocation[] = [];
  const observed = new ObservedEvents(invocation, source, (report) => reports.push({ ...report }));
  return { observed, reports };
}

describe('ObservedEvents', () => {
  it('passes every event on and reports once, with the result and its usage, when the call ends', async () => {
    const { observed, reports } = observe(() => events());
    const seen: string[] = [];
    for await (const event of observed) seen.push(event.type);
    expect(seen).toEqual(['text-delta', 'usage', 'result']);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ invocation, result, usage, errorCode: undefined });
    expect(reports[0]!.endedAt).toBeGreaterThan(0);
  });

  it('reports the code of a failure with the usage seen before it, and passes the error on', async () => {
    const { observed, reports } = observe(() => events(new AgentryError('AGENTRY_RATE_LIMITED', 'slow down')));
    await expect((async () => {
      for await (const _event of observed);
    })()).rejects.toMatchObject({ code: 'AGENTRY_RATE_LIMITED' });
    expect(reports).toEqual([expect.objectContaining({ result: undefined, usage, errorCode: 'AGENTRY_RATE_LIMITED' })]);
  });

  it('reports a reader that stopped before the result as AGENTRY_CANCELLED, and one that never started not at all', async () => {
    const { observed, reports } = observe(() => events());
    for await (const _event of observed) break;
    expect(reports).toEqual([expect.objectContaining({ errorCode: 'AGENTRY_CANCELLED' })]);

    const unstarted = observe(() => events());
    await unstarted.observed.return();
    expect(unstarted.reports).toEqual([]);
  });
});
