import type { ErrorCode, InvokeResult, Usage } from '../contract';
import type { AgentEvent, Invocation } from '../core/invocation';
import type { Next } from '../core/middleware';
import { WatchedEvents } from '../core/watched-events';

/** How an observed invocation ended. */
export interface ObservedInvocation {
  readonly invocation: Invocation;
  /** The result of a call that succeeded. */
  readonly result: InvokeResult | undefined;
  /** The result's usage, or the last `usage` event of a call that failed after it. */
  readonly usage: Usage | undefined;
  /** The catalogue code of a call that did not succeed. */
  readonly errorCode: ErrorCode | undefined;
  /** Epoch ms of the end. */
  readonly endedAt: number;
}

/**
 * The events of one call passed on unchanged, reporting once how the call ended: with its result,
 * failed, or closed early by its reader (then `AGENTRY_CANCELLED`, as the meter counts it). The
 * object itself is the report, so observing a call allocates nothing else.
 */
export class ObservedEvents extends WatchedEvents implements ObservedInvocation {
  result: InvokeResult | undefined = undefined;
  usage: Usage | undefined = undefined;
  errorCode: ErrorCode | undefined = undefined;
  endedAt = 0;
  private readonly report: (observed: ObservedInvocation) => void;

  constructor(invocation: Invocation, downstream: Next, report: (observed: ObservedInvocation) => void) {
    super(invocation, downstream);
    this.report = report;
  }

  protected seeing(event: AgentEvent): void {
    if (event.type === 'usage') this.usage = event.usage;
    else if (event.type === 'result') {
      this.result = event.result;
      this.usage = event.result.usage;
    }
  }

  protected ended(failure: ErrorCode | undefined): void {
    this.endedAt = Date.now();
    // A call that delivered its result succeeded; one that stopped before it (a closed stream)
    // without an error of its own was cancelled.
    this.errorCode = this.result === undefined ? (failure ?? 'AGENTRY_CANCELLED') : undefined;
    this.report(this);
  }
}
