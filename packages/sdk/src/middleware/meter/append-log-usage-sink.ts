import type { AppendLog } from '../../stores/append-log';
import type { UsageSink } from './usage-sink';

/** Options of {@link createAppendLogUsageSink}. */
export interface AppendLogUsageSinkOptions {
  /** The append log (memory or Redis) the records go to. */
  log: AppendLog;
  /** Name of the log inside the store. @default 'usage' */
  name?: string;
  /** Also close the append log when the meter closes. @default false */
  closeLog?: boolean;
}

/**
 * A usage sink over an {@link AppendLog}: the usage ledger of a multi-replica deployment when the
 * log is the Redis implementation.
 *
 * @example
 * const meter = meterMiddleware({ sink: createAppendLogUsageSink({ log: redisAppendLog }) });
 */
export function createAppendLogUsageSink(options: AppendLogUsageSinkOptions): UsageSink {
  const name = options.name ?? 'usage';
  return {
    name: `append-log:${name}`,
    async write(records) {
      if (records.length > 0) await options.log.append(name, records);
    },
    async close() {
      if (options.closeLog) await options.log.close?.();
    },
  };
}
