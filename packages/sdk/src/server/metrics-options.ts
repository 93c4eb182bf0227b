import { invalid } from './option-checks';

/** Options of the server's Prometheus metrics (`ServerOptions.metrics`). */
export interface MetricsOptions {
  /**
   * Bearer token a scraper sends as `Authorization: Bearer <token>` to read `GET /metrics`, at
   * least 16 characters. API keys are never accepted there: metrics span every tenant.
   * @default none: `/metrics` answers 403 until `token` or `public` is set
   */
  token?: string;
  /**
   * Serve `GET /metrics` without authentication. Only for a port that nothing but the scraper
   * reaches (agent names and request volumes are in the metrics). @default false
   */
  public?: boolean;
  /** Also export prom-client's Node process metrics (CPU, memory, event-loop lag, GC). @default false */
  processMetrics?: boolean;
  /**
   * Label the invocation, token, cost and cache metrics with the tenant. Whoever reads the metrics
   * then sees tenant names, and each tenant multiplies those series. @default false
   */
  tenantLabel?: boolean;
  /**
   * Bucket upper bounds of `agentry_http_request_duration_seconds`, in seconds, ascending.
   * @default [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]
   */
  durationBuckets?: readonly number[];
}

/** {@link MetricsOptions} with every default filled in. */
export interface ResolvedMetricsOptions {
  /** Undefined without a token. */
  token: string | undefined;
  public: boolean;
  processMetrics: boolean;
  tenantLabel: boolean;
  durationBuckets: readonly number[];
}

/** Request durations span loopback calls (sub-millisecond) to long streams (minutes). */
export const defaultDurationBuckets: readonly number[] = Object.freeze([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]);

/**
 * Checks `ServerOptions.metrics`; undefined when metrics are off.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` naming the wrong field.
 */
export function resolveMetricsOptions(options: MetricsOptions | false | undefined): ResolvedMetricsOptions | undefined {
  if (options === false) return undefined;
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw invalid('metrics', 'must be an object or false');
  const { token, durationBuckets = defaultDurationBuckets } = options ?? {};
  if (token !== undefined && (typeof token !== 'string' || token.trim().length < 16)) {
    throw invalid('metrics.token', 'must be a string of at least 16 characters');
  }
  const isPublic = flag('metrics.public', options?.public);
  if (isPublic && token !== undefined) throw invalid('metrics.public', 'cannot be true together with `metrics.token`; choose one');
  if (!Array.isArray(durationBuckets) || durationBuckets.length === 0 || !durationBuckets.every(isAscendingPositive)) {
    throw invalid('metrics.durationBuckets', 'must be a non-empty array of ascending positive numbers of seconds');
  }
  return {
    token: token?.trim(),
    public: isPublic,
    processMetrics: flag('metrics.processMetrics', options?.processMetrics),
    tenantLabel: flag('metrics.tenantLabel', options?.tenantLabel),
    durationBuckets: [...durationBuckets],
  };
}

function isAscendingPositive(value: unknown, index: number, values: readonly unknown[]): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && (index === 0 || value > (values[index - 1] as number));
}

function flag(field: string, value: boolean | undefined): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw invalid(field, 'must be a boolean');
  return value;
}
