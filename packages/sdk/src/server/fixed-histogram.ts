import type { Metric, Registry } from 'prom-client';

/** One sample, as prom-client's metrics give them from `get()`. */
interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/** One label set of a {@link FixedHistogram}: observing is a bucket search and three additions. */
export interface FixedHistogramSeries {
  observe(value: number): void;
}

/** A Prometheus histogram whose series are plain number arrays until scraped. */
export interface FixedHistogram<Label extends string> {
  /** The series of `labels`, made on first use; keep it to observe without a lookup. */
  series(labels: Readonly<Record<Label, string>>): FixedHistogramSeries;
}

interface Series extends FixedHistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  /** Observations per bucket (not cumulative); the last one is above every bound. */
  readonly counts: Float64Array;
  sum: number;
}

/**
 * Registers a histogram with fixed buckets in `registry`. prom-client's own Histogram looks its
 * series up and allocates on every observation (about half a microsecond); this one keeps counts
 * per bucket and hands prom-client the cumulative buckets when scraped, in the shape its own
 * histograms give (`getMetricsAsJSON`), so the exposition is the same.
 */
export function createFixedHistogram<Label extends string>(
  registry: Registry,
  definition: { name: string; help: string; buckets: readonly number[] },
): FixedHistogram<Label> {
  const { name, help, buckets } = definition;
  const all: Series[] = [];
  const collector = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    labelNames: [] as string[],
    async get() {
      const values: Sample[] = [];
      for (const series of all) {
        let cumulative = 0;
        buckets.forEach((bound, index) => {
          cumulative += series.counts[index]!;
          values.push({ metricName: `${name}_bucket`, labels: { ...series.labels, le: bound }, value: cumulative });
        });
        const count = cumulative + series.counts[buckets.length]!;
        values.push({ metricName: `${name}_bucket`, labels: { ...series.labels, le: '+Inf' }, value: count });
        values.push({ metricName: `${name}_sum`, labels: { ...series.labels }, value: series.sum });
        values.push({ metricName: `${name}_count`, labels: { ...series.labels }, value: count });
      }
      return { name, help, type: 'histogram', values, aggregator: 'sum' };
    },
    reset() {
      for (const series of all) {
        series.counts.fill(0);
        series.sum = 0;
      }
    },
  };
  // Registries take any object that answers `get()` like a metric does.
  registry.registerMetric(collector as unknown as Metric);
  return {
    series(labels) {
      const series: Series = {
        labels: { ...labels },
        counts: new Float64Array(buckets.length + 1),
        sum: 0,
        observe(value) {
          let index = 0;
          while (index < buckets.length && value > buckets[index]!) index++;
          this.counts[index]!++;
          this.sum += value;
        },
      };
      all.push(series);
      return series;
    },
  };
}
