import type { InvokeResult } from '../../contract';
import type { AgentEvent } from '../../core/invocation';

/** Records a run as it streams, for the cache entry it may become. */
export interface RunRecorder {
  /** Records one event of the run as JSON; call it before anyone else sees the event. */
  record(event: AgentEvent): void;
  /** The recorded run as {@link CachedRun} JSON, or undefined when it ended without an admissible result. */
  admittedJson(): string | undefined;
  /** True when the run produced a result that was not admitted (evals failed, `admit` refused, too many events). */
  refused(): boolean;
}

/**
 * Events are serialised the moment they pass, so a caller that later mutates the objects it
 * received cannot change what gets cached; admission is decided on the result as it arrived for
 * the same reason. Warnings are left out: they describe that one run, not the answer.
 */
export function createRunRecorder<Context>(
  maxEvents: number,
  admissible: (result: InvokeResult, context: Context) => boolean,
  context: Context,
): RunRecorder {
  let events: string[] = [];
  let result: string | undefined;
  let sawResult = false;
  let unusable = false;

  return {
    record(event) {
      if (event.type === 'result') sawResult = true;
      if (unusable) return;
      try {
        if (event.type === 'result') {
          if (admissible(event.result, context)) result = JSON.stringify(event.result);
          else unusable = true;
        } else if (event.type !== 'warning') {
          if (events.length >= maxEvents) unusable = true;
          else events.push(JSON.stringify(event));
        }
      } catch {
        // A value JSON cannot hold (BigInt, cycle) or an `admit` that threw: run fine, cache nothing.
        unusable = true;
      }
      if (unusable) events = [];
    },
    admittedJson() {
      return unusable || result === undefined ? undefined : `{"events":[${events.join(',')}],"result":${result}}`;
    },
    refused() {
      return sawResult && (unusable || result === undefined);
    },
  };
}
