import { emptyTokenUsage, type EvalScore, type Usage } from '../../contract';
import type { AgentEvent, Invocation } from '../../core/invocation';

/** When the replay of a run first sent a text delta or tool call (its time to first event). */
export interface ReplayClock {
  firstEventAt: number | undefined;
}

/**
 * Turns one event of a run into what a caller sees when it did not pay for the run (a stored
 * entry, or a run it joined): the same event, except that a `usage` shows zero tokens and cost
 * with this call's own latency, and the `result` carries this call's id and request id and
 * `cache: { hit: true, savedCostUsd }`, the model cost of the original run. Feed the events of
 * one replay in order with one `clock`.
 */
export function asHitEvent(event: AgentEvent, invocation: Invocation, now: () => number, clock: ReplayClock): AgentEvent {
  switch (event.type) {
    case 'text-delta':
    case 'tool-call':
      clock.firstEventAt ??= now();
      return event;
    case 'usage':
      return { type: 'usage', usage: hitUsage(event.usage, invocation, now(), clock.firstEventAt) };
    case 'eval':
      // The evaluation was paid for by the run that made the entry, not by this call.
      return event.eval.costUsd === undefined ? event : { type: 'eval', eval: unpaid(event.eval) };
    case 'result':
      return {
        type: 'result',
        result: {
          ...event.result,
          id: invocation.id,
          requestId: invocation.requestId,
          usage: hitUsage(event.result.usage, invocation, now(), clock.firstEventAt),
          cache: { hit: true, savedCostUsd: event.result.usage.costUsd },
          ...(event.result.evals.some((score) => score.costUsd !== undefined) ? { evals: event.result.evals.map(unpaid) } : {}),
        },
      };
    default:
      return event;
  }
}

/**
 * {@link asHitEvent} over a live run. `copy` deep-copies each event, for events another caller
 * also holds.
 */
export async function* asCacheHit(
  events: AsyncIterable<AgentEvent>,
  invocation: Invocation,
  now: () => number,
  copy: boolean,
): AsyncGenerator<AgentEvent> {
  const clock: ReplayClock = { firstEventAt: undefined };
  for await (const original of events) yield asHitEvent(copy ? structuredClone(original) : original, invocation, now, clock);
}

function unpaid(score: EvalScore): EvalScore {
  if (score.costUsd === undefined) return score;
  const { costUsd: _paidByTheRun, ...rest } = score;
  return rest;
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
