import { createInvocationObserver, listenToObserver, type InvocationObserver } from './invocation-observer';
import { createMetricsRoute, type MetricsRoute } from './metrics-route';
import { createServerMetrics, type ServerMetrics } from './server-metrics';
import type { ResolvedServerOptions } from './server-options';
import type { StreamRegistry } from './stream-registry';
import { createUsageTally, type UsageTally } from './usage-tally';

/** What a server records about itself: its metrics, its tenants' usage, and where both come from. */
export interface ServerObservability {
  /** The observer to put outermost in a runtime the server makes; undefined when nothing is recorded. */
  readonly observer: InvocationObserver | undefined;
  readonly metrics: ServerMetrics | undefined;
  readonly metricsRoute: MetricsRoute | undefined;
  /** Undefined when usage is off, or no observer reports invocations. */
  readonly usage: UsageTally | undefined;
  /** Stops listening to the observer (whose runtime may outlive the server). */
  stop(): void;
}

/**
 * Sets up a server's metrics and usage counts. A server that makes its runtime observes it with
 * an observer of its own; a runtime given to it is observed only through the observer given with it.
 */
export function createServerObservability(
  options: ResolvedServerOptions,
  runtime: { given: boolean; observer: InvocationObserver | undefined },
  sources: { inFlight: () => number; streams: StreamRegistry },
): ServerObservability {
  const records = options.metrics !== undefined || options.usage !== undefined;
  const observer = runtime.given ? runtime.observer : records ? createInvocationObserver() : undefined;
  const usage = options.usage === undefined || observer === undefined ? undefined : createUsageTally(options.usage);
  const metrics =
    options.metrics === undefined ? undefined : createServerMetrics(options.metrics, { ...sources, ...(usage === undefined ? {} : { usageEntries: () => usage.entries }) });
  const stop =
    observer === undefined || !records
      ? noop
      : listenToObserver(observer, {
          jobStarted: (invocation) => metrics?.invocations.jobStarted(invocation),
          ended(observed) {
            usage?.record(observed);
            metrics?.invocations.ended(observed);
          },
        });
  return {
    observer: records ? observer : undefined,
    metrics,
    metricsRoute: metrics === undefined ? undefined : createMetricsRoute(metrics, options.metrics!),
    usage,
    stop,
  };
}

function noop(): void {}
