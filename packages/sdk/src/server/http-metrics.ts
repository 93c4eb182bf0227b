import { Counter, Gauge, type Registry } from 'prom-client';
import { createFixedHistogram, type FixedHistogramSeries } from './fixed-histogram';
import type { Route } from './router';

/** The route labels: a template per route, never the raw path, so ids add no series. */
const routeLabels = {
  healthz: { method: 'GET', route: '/healthz' },
  readyz: { method: 'GET', route: '/readyz' },
  metrics: { method: 'GET', route: '/metrics' },
  'list-agents': { method: 'GET', route: '/v1/agents' },
  usage: { method: 'GET', route: '/v1/usage' },
  invoke: { method: 'POST', route: '/v1/agents/{agent}/invoke' },
  stream: { method: 'POST', route: '/v1/agents/{agent}/stream' },
  'create-job': { method: 'POST', route: '/v1/agents/{agent}/jobs' },
  'get-job': { method: 'GET', route: '/v1/jobs/{id}' },
  'cancel-job': { method: 'DELETE', route: '/v1/jobs/{id}' },
} as const satisfies Partial<Record<Route['name'], { method: string; route: string }>>;

type LabelledRoute = keyof typeof routeLabels;
const labelledRoutes = Object.keys(routeLabels) as LabelledRoute[];
/** Methods named in labels of unmatched requests; any other is `other`. */
const knownMethods = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS'];
const unmatchedRoute = 'unmatched';
// Label sets are numbered: a matched route by its place in `routeLabels`, an unmatched request
// after them by its method. A number indexes the tables below without building a string.
const routeIndexOf: Readonly<Record<string, number>> = Object.fromEntries(labelledRoutes.map((name, index) => [name, index]));
const unmatchedBase = labelledRoutes.length;

interface RequestCount {
  readonly labels: { method: string; route: string; status: string };
  count: number;
}

/** The HTTP metrics of one server: requests by route and status, their durations, in-flight requests. */
export interface HttpMetrics {
  /** Counts a finished request; `startedAt` is its `performance.now()`. */
  requestEnded(route: Route | undefined, method: string | undefined, status: number, startedAt: number): void;
}

export function createHttpMetrics(registry: Registry, durationBuckets: readonly number[], inFlight: () => number): HttpMetrics {
  // Plain counts on the request path; prom-client reads them at scrape time.
  const counts = new Map<number, RequestCount>();
  const durations = createFixedHistogram<'method' | 'route'>(registry, {
    name: 'agentry_http_request_duration_seconds',
    help: 'Duration of HTTP requests until the response ended (a stream: until it finished), by route template.',
    buckets: durationBuckets,
  });
  // One series per label set, made on first use.
  const durationOf: Array<FixedHistogramSeries | undefined> = [];

  new Counter({
    name: 'agentry_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { labels, count } of counts.values()) this.inc(labels, count);
    },
  });
  new Gauge({
    name: 'agentry_http_requests_in_flight',
    help: 'HTTP requests whose response has not ended (open streams included).',
    registers: [registry],
    collect() {
      this.set(inFlight());
    },
  });

  return {
    requestEnded(route, method, status, startedAt) {
      const routeIndex = route === undefined ? undefined : routeIndexOf[route.name];
      const index = routeIndex ?? unmatchedBase + methodIndexOf(method);
      const key = index * 1000 + status;
      const count = counts.get(key);
      if (count !== undefined) count.count++;
      else counts.set(key, { labels: { ...labelsOf(index), status: String(status) }, count: 1 });
      let duration = durationOf[index];
      if (duration === undefined) durationOf[index] = duration = durations.series(labelsOf(index));
      duration.observe((performance.now() - startedAt) / 1000);
    },
  };
}

function methodIndexOf(method: string | undefined): number {
  const index = method === undefined ? -1 : knownMethods.indexOf(method);
  return index === -1 ? knownMethods.length : index;
}

function labelsOf(index: number): { method: string; route: string } {
  if (index < unmatchedBase) return { ...routeLabels[labelledRoutes[index]!] };
  return { method: knownMethods[index - unmatchedBase] ?? 'other', route: unmatchedRoute };
}
