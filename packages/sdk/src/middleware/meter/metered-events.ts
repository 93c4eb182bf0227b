import type { ErrorCode, EvalScore, InvokeResult, Usage } from '../../contract';
import type { AgentEvent, Invocation } from '../../core/invocation';
import type { Next } from '../../core/middleware';
import { WatchedEvents } from '../../core/watched-events';

/** What the meter noted about one call, for its usage record. */
export interface Observed {
  result: InvokeResult | undefined;
  /** The last `usage` event: partial usage of a call that failed after it. */
  usage: Usage | undefined;
  evals: EvalScore[];
  firstEventAt: number | undefined;
  endedAt: number;
  errorCode: ErrorCode | undefined;
}

/**
 * The events of one call as the meter passes them on, noting what it needs for the usage record
 * and writing the record once when the call is over: ended, failed, or closed early by its reader.
 */
export class MeteredEvents extends WatchedEvents {
  private readonly observed: Observed = { result: undefined, usage: undefined, evals: [], firstEventAt: undefined, endedAt: 0, errorCode: undefined };
  private readonly now: () => number;
  private readonly write: (invocation: Invocation, observed: Observed) => void;

  constructor(invocation: Invocation, downstream: Next, now: () => number, write: (invocation: Invocation, observed: Observed) => void) {
    super(invocation, downstream);
    this.now = now;
    this.write = write;
  }

  protected seeing(event: AgentEvent): void {
    const { observed } = this;
    switch (event.type) {
      case 'text-delta':
      case 'tool-call':
        observed.firstEventAt ??= this.now();
        break;
      case 'usage':
        observed.usage = event.usage;
        break;
      case 'eval':
        observed.evals.push(event.eval);
        break;
      case 'result':
        observed.result = event.result;
        observed.endedAt = this.now();
        break;
    }
  }

  /** Writes the record, once. */
  protected ended(failure: ErrorCode | undefined): void {
    const { observed } = this;
    if (observed.endedAt === 0) observed.endedAt = this.now();
    // A consumer that stopped before the result (closed stream) leaves neither result nor error.
    observed.errorCode = failure ?? (observed.result === undefined ? 'AGENTRY_CANCELLED' : undefined);
    this.write(this.invocation, observed);
  }
}
