import type { UsageRecord } from '../../contract/usage-event';
import type { UsageSink } from './usage-sink';

/** Options of {@link createMemoryUsageSink}. */
export interface MemoryUsageSinkOptions {
  /** Records kept at most; the oldest go first and are counted in `evicted`. @default 100000 */
  maxRecords?: number;
}

/** A usage sink that keeps records in memory: for tests, demos and the dev server's dashboard. */
export interface MemoryUsageSink extends UsageSink {
  /** The records kept, oldest first. */
  records(): readonly UsageRecord[];
  /** Records pushed out by `maxRecords`. */
  readonly evicted: number;
  clear(): void;
}

/**
 * Creates a bounded in-memory usage sink.
 *
 * @example
 * const sink = createMemoryUsageSink();
 * const meter = meterMiddleware({ sink });
 * // ... after some calls
 * await meter.flush();
 * console.log(sink.records().length);
 */
export function createMemoryUsageSink(options: MemoryUsageSinkOptions = {}): MemoryUsageSink {
  const maxRecords = options.maxRecords ?? 100_000;
  let kept: UsageRecord[] = [];
  let evicted = 0;
  return {
    name: 'memory',
    async write(records) {
      kept.push(...records);
      if (kept.length > maxRecords) {
        evicted += kept.length - maxRecords;
        kept = kept.slice(kept.length - maxRecords);
      }
    },
    records: () => kept,
    get evicted() {
      return evicted;
    },
    clear() {
      kept = [];
    },
  };
}
