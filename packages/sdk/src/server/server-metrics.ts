import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { createHttpMetrics, type HttpMetrics } from './http-metrics';
import type { InvocationListener } from './invocation-observer';
import { createInvocationMetrics } from './invocation-metrics';
import type { ResolvedMetricsOptions } from './metrics-options';
import type { StreamRegistry } from './stream-registry';

/** What the metrics read when scraped. */
export interface MetricsSources {
  /** Responses not yet ended. */
  inFlight(): number;
  streams: StreamRegistry;
  /** Entries of the usage counts, when usage reporting is on. */
  usageEntries?: () => number;
}

/** The Prometheus metrics of one server, in a registry of its own. */
export interface ServerMetrics extends HttpMetrics {
  readonly registry: Registry;
  /** Feeds the invocation metrics. */
  readonly invocations: InvocationListener;
  /** Counts a stream refused by `limits.maxConcurrentStreams`. */
  streamRefused(): void;
  /** Counts a stream ended by `limits.maxStreamDurationMs`. */
  streamTimedOut(): void;
}

/**
 * Creates a server's metrics. Each server has its own prom-client Registry, never the global
 * one, so two servers in one process keep separate figures. On the request path recording is a
 * few additions to plain numbers and one histogram observation; everything else is read when
 * scraped.
 */
export function createServerMetrics(options: ResolvedMetricsOptions, sources: MetricsSources): ServerMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const http = createHttpMetrics(registry, options.durationBuckets, sources.inFlight);
  const invocations = createInvocationMetrics(registry, options.tenantLabel);
  let refused = 0;
  let timedOut = 0;

  const gauge = (name: string, help: string, read: () => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  };
  const counter = (name: string, help: string, read: () => number): void => {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  };
  const { streams } = sources;
  gauge('agentry_streams_active', 'Streams running now (a stream counts until its run ends, even after its client left).', () => streams.running);
  gauge('agentry_streams_retained', 'Finished streams kept for Last-Event-ID resumes.', () => streams.retained);
  counter('agentry_streams_refused_total', 'New streams refused with 503 because limits.maxConcurrentStreams were running.', () => refused);
  counter('agentry_streams_timed_out_total', 'Streams ended with AGENTRY_TIMEOUT by limits.maxStreamDurationMs.', () => timedOut);
  counter('agentry_streams_evicted_total', 'Finished streams forgotten before their replay window ended, to stay within streams.maxRetainedStreams.', () => streams.evicted);
  const { usageEntries } = sources;
  if (usageEntries !== undefined) gauge('agentry_usage_entries', 'Entries of the in-memory usage counts behind /v1/usage (bounded by usage.maxEntries).', usageEntries);

  return {
    registry,
    invocations,
    requestEnded: http.requestEnded,
    streamRefused() {
      refused++;
    },
    streamTimedOut() {
      timedOut++;
    },
  };
}
