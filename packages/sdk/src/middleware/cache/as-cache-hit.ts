import { emptyTokenUsage, type Usage } from '../../contract';
import type { AgentEvent, Invocation } from '../../core/invocation';

/**
 * Turns the events of a run into what a caller sees when it did not pay for the run (a stored
 * entry, or a run it joined): the same events in the same order, but every `usage` shows zero
 * tokens and cost with this call's own latency, and the `result` carries this call's id and
 * request id and `cache: { hit: true, savedCostUsd }`, the model cost of the original run.
 *
 * `copy` deep-copies each event, for events another caller also holds.
 */
export async function* asCacheHit(
  events: AsyncIterable<AgentEvent> | Iterable<AgentEvent>,
  invocation: Invocation,
  now: () => number,
  copy: boolean,
): AsyncGenerator<AgentEvent> {
  let firstEventAt: number | undefined;
  for await (const original of events) {
    const event = copy ? structuredClone(original) : original;
    switch (event.type) {
      case 'text-delta':
      case 'tool-call':
        firstEventAt ??= now();
        yield event;
        break;
      case 'usage':
        yield { type: 'usage', usage: hitUsage(event.usage, invocation, now(), firstEventAt) };
        break;
      case 'result':
        yield {
          type: 'result',
          result: {
            ...event.result,
            id: invocation.id,
            requestId: invocation.requestId,
            usage: hitUsage(event.result.usage, invocation, now(), firstEventAt),
            cache: { hit: true, savedCostUsd: event.result.usage.costUsd },
          },
        };
        break;
      default:
        yield event;
    }
  }
}

function hitUsage(original: Usage, invocation: Invocation, at: number, firstEventAt: number | undefined): Usage {
  return {
    ...emptyTokenUsage(),
    costUsd: 0,
    modelCalls: 0,
    latencyMs: Math.max(0, at - invocation.startedAt),
    // Only a run that streamed reports a first-event time; a replay of it does too.
    ...(original.timeToFirstEventMs === undefined || firstEventAt === undefined
      ? {}
      : { timeToFirstEventMs: Math.max(0, firstEventAt - invocation.startedAt) }),
  };
}
