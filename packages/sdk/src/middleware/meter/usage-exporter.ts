import { AgentryError } from '../../contract';
import type { UsageRecord } from '../../contract/usage-event';
import type { UsageSink } from './usage-sink';

/** How the meter buffers and ships records. */
export interface UsageExporterOptions {
  /** Records held in memory while the sink catches up; more are dropped and counted. @default 10000 */
  maxBuffered?: number;
  /** Records per sink write; a full batch is shipped at once, without waiting for the interval. @default 100 */
  batchSize?: number;
  /** How often a partial batch is shipped, in ms. @default 1000 */
  flushIntervalMs?: number;
  /** Writes of one record before it is given up and counted as failed. @default 3 */
  maxAttempts?: number;
  /** A write that has not settled by then counts as failed, in ms. @default 10000 */
  writeTimeoutMs?: number;
  /** Told of every failed write (the records are retried or counted, never thrown at callers). */
  onError?: (error: unknown) => void;
}

/**
 * What happened to the records so far. Every record is in exactly one bucket, so
 * `recorded = delivered + dropped + failed + buffered + inFlight` at any time.
 */
export interface UsageExporterStats {
  /** Records produced by invocations. */
  recorded: number;
  /** Records the sink accepted. */
  delivered: number;
  /** Records thrown away because the buffer was full (or the meter already closed). */
  dropped: number;
  /** Records given up after `maxAttempts` failed writes. */
  failed: number;
  /** Records waiting in the buffer. */
  buffered: number;
  /** Records in the write now in progress. */
  inFlight: number;
}

/** The non-blocking, batching bridge between invocations and a {@link UsageSink}. */
export interface UsageExporter {
  /** Queues a record; never blocks, never throws. */
  record(record: UsageRecord): void;
  /** Tries once to write everything buffered now; failed records stay queued while attempts remain. */
  flush(): Promise<void>;
  /**
   * Stops the timer, writes or gives up every queued record, then closes the sink. Records still
   * queued after `timeoutMs` (a hung sink) are counted as failed. Idempotent.
   */
  close(options?: { /** @default 10000 */ timeoutMs?: number }): Promise<void>;
  stats(): UsageExporterStats;
}

interface Queued {
  record: UsageRecord;
  attempts: number;
}

/**
 * Creates the exporter behind {@link meterMiddleware}. Invocations only push into a bounded array;
 * a timer (unref'd, so it never keeps a process alive) and full batches trigger writes, one at
 * a time, so a slow or dead sink costs the request path nothing but, at worst, a counted drop.
 */
export function createUsageExporter(sink: UsageSink, options: UsageExporterOptions = {}): UsageExporter {
  const maxBuffered = positive(options.maxBuffered ?? 10_000, 'maxBuffered');
  const batchSize = positive(options.batchSize ?? 100, 'batchSize');
  const maxAttempts = positive(options.maxAttempts ?? 3, 'maxAttempts');
  const writeTimeoutMs = positive(options.writeTimeoutMs ?? 10_000, 'writeTimeoutMs');
  const flushIntervalMs = positive(options.flushIntervalMs ?? 1_000, 'flushIntervalMs');
  const stats = { recorded: 0, delivered: 0, dropped: 0, failed: 0, inFlight: 0 };
  let buffer: Queued[] = [];
  let writing: Promise<void> | undefined;
  let scheduled = false;
  let closing: Promise<void> | undefined;

  const timer = setInterval(() => {
    if (buffer.length > 0 && writing === undefined) void drain();
  }, flushIntervalMs);
  (timer as { unref?: () => void }).unref?.();

  async function writeBatch(batch: Queued[]): Promise<boolean> {
    stats.inFlight = batch.length;
    try {
      await withTimeout(
        Promise.resolve().then(() => sink.write(batch.map((item) => item.record))),
        writeTimeoutMs,
        sink.name,
      );
      stats.delivered += batch.length;
      return true;
    } catch (error) {
      options.onError?.(error);
      const retry = batch.filter((item) => ++item.attempts < maxAttempts);
      stats.failed += batch.length - retry.length;
      // Retries go back to the front, in order, as far as the buffer has room; the rest are drops.
      const kept = retry.slice(0, Math.max(0, maxBuffered - buffer.length));
      stats.dropped += retry.length - kept.length;
      buffer = [...kept, ...buffer];
      return false;
    } finally {
      stats.inFlight = 0;
    }
  }

  /** Writes what is buffered at the start, batch by batch; stops at the first failure (the sink is likely down). */
  function drain(): Promise<void> {
    // With nothing to write the body below would finish synchronously, clearing `writing` before
    // `??=` sets it, and leave a settled promise there that makes flush() and close() spin forever.
    if (writing === undefined && buffer.length === 0) return Promise.resolve();
    writing ??= (async () => {
      try {
        let remaining = buffer.length;
        while (remaining > 0 && buffer.length > 0) {
          const batch = buffer.splice(0, Math.min(batchSize, remaining));
          remaining -= batch.length;
          if (!(await writeBatch(batch))) break;
        }
      } finally {
        writing = undefined;
      }
    })();
    return writing;
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    // Off the caller's turn of the event loop: even a sink whose write does sync work cannot delay it.
    setTimeout(() => {
      scheduled = false;
      if (writing === undefined) void drain();
    }, 0);
  }

  return {
    record(record) {
      stats.recorded++;
      if (closing !== undefined || buffer.length >= maxBuffered) {
        stats.dropped++;
        return;
      }
      buffer.push({ record, attempts: 0 });
      if (buffer.length >= batchSize) schedule();
    },
    async flush() {
      while (writing !== undefined) await writing;
      await drain();
    },
    close(closeOptions) {
      closing ??= (async () => {
        clearInterval(timer);
        const deadline = Date.now() + (closeOptions?.timeoutMs ?? 10_000);
        // Each pass delivers a batch or uses up one of its attempts, so this ends on its own; the
        // deadline bounds it when the sink hangs (each pass may take up to writeTimeoutMs).
        while ((buffer.length > 0 || writing !== undefined) && Date.now() < deadline) {
          while (writing !== undefined) await writing;
          await drain();
        }
        while (writing !== undefined) await writing;
        stats.failed += buffer.length;
        buffer = [];
        await sink.close?.();
      })();
      return closing;
    },
    stats: () => ({ ...stats, buffered: buffer.length }),
  };
}

function withTimeout(promise: Promise<void>, timeoutMs: number, sinkName: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new AgentryError('AGENTRY_TIMEOUT', `usage sink ${sinkName} did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function positive(value: number, field: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `meterMiddleware: \`buffer.${field}\` must be a positive number, got ${value}`);
  }
  return value;
}
