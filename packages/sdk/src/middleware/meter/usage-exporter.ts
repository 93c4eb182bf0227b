import { AgentryError } from '../../contract';
import type { UsageRecord } from '../../contract/usage-event';
import { LATE, settleWithin } from '../../core/settle-within';
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
  /**
   * A write that has not settled by then is reported to `onError` as slow (AGENTRY_TIMEOUT), in ms.
   * It is not abandoned: the meter waits for it before the next write, and its outcome decides
   * whether its records are delivered or retried. @default 10000
   */
  writeTimeoutMs?: number;
  /** Told of every failed or slow write (the records are retried or counted, never thrown at callers). */
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
  /**
   * Records given up after `maxAttempts` failed writes, or left undelivered when `close()` gave up.
   * Should a write close() gave up on still succeed later, its records move to `delivered`.
   */
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
  /**
   * Tries once to write everything buffered now; failed records stay queued while attempts remain.
   * Returns after `writeTimeoutMs` of a slow write, which goes on in the background.
   */
  flush(): Promise<void>;
  /**
   * Stops the timer, writes or gives up every queued record, then closes the sink. Records still
   * queued or in flight after `timeoutMs` (a hung sink) are counted as failed; the sink is then
   * closed once its hung write answers, never beside it. Idempotent.
   */
  close(options?: { /** @default 10000 */ timeoutMs?: number }): Promise<void>;
  stats(): UsageExporterStats;
}

interface Queued {
  record: UsageRecord;
  attempts: number;
}

/** The sink's one write in progress. It stays the only one until the sink answers, however long that takes. */
interface Write {
  /** True when the sink stored the batch; never rejects. */
  stored: Promise<boolean>;
  /** Whether `onError` was already told this write is slow, so each write is reported once. */
  reportedSlow: boolean;
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
  // Ends when the sink answers, not at writeTimeoutMs: a second write is never started beside it.
  let current: Write | undefined;
  let draining: Promise<void> | undefined;
  let scheduled = false;
  let closing: Promise<void> | undefined;
  // Set once close() stops waiting: a write still running then was already counted as failed.
  let gaveUp = false;

  const timer = setInterval(() => {
    if (buffer.length > 0 && draining === undefined) void drain();
  }, flushIntervalMs);
  (timer as { unref?: () => void }).unref?.();

  function report(error: unknown): void {
    try {
      options.onError?.(error);
    } catch {
      // A throwing onError must not leave a write half-accounted or stall delivery.
    }
  }

  function startWrite(batch: Queued[]): Write {
    stats.inFlight = batch.length;
    const stored = Promise.resolve()
      .then(() => sink.write(batch.map((item) => item.record)))
      .then(
        () => settle(batch, true, undefined),
        (error: unknown) => settle(batch, false, error),
      );
    current = { stored, reportedSlow: false };
    return current;
  }

  function settle(batch: Queued[], ok: boolean, error: unknown): boolean {
    current = undefined;
    if (!ok) report(error);
    if (gaveUp) {
      // close() counted the batch as failed; the sink's late answer still says where the records are.
      if (ok) {
        stats.failed -= batch.length;
        stats.delivered += batch.length;
      }
      return ok;
    }
    stats.inFlight = 0;
    if (ok) {
      stats.delivered += batch.length;
      // No drain waits on a write that outlived its timeout: ship what queued behind it now.
      if (draining === undefined && buffer.length >= batchSize) schedule();
      return true;
    }
    const retry = batch.filter((item) => ++item.attempts < maxAttempts);
    stats.failed += batch.length - retry.length;
    // Retries go back to the front, in order, as far as the buffer has room; the rest are drops.
    const kept = retry.slice(0, Math.max(0, maxBuffered - buffer.length));
    stats.dropped += retry.length - kept.length;
    buffer = [...kept, ...buffer];
    return false;
  }

  /** Whether the write stored its batch within writeTimeoutMs; a slow write is reported once and keeps running. */
  async function storedInTime(write: Write): Promise<boolean> {
    const outcome = await settleWithin(write.stored, writeTimeoutMs);
    if (outcome !== LATE) return outcome;
    if (!write.reportedSlow) {
      write.reportedSlow = true;
      report(
        new AgentryError('AGENTRY_TIMEOUT', `usage sink ${sink.name} did not answer within ${writeTimeoutMs} ms`, {
          hint: 'The meter waits for this write before starting another; records queue meanwhile. Check the sink or raise `buffer.writeTimeoutMs`.',
        }),
      );
    }
    return false;
  }

  /**
   * Waits for a write still running, then writes what is buffered at the start, batch by batch.
   * Stops at the first failure or slow write (the sink is likely down) without abandoning it.
   */
  function drain(): Promise<void> {
    // With nothing to do the body below would finish synchronously, clearing `draining` before
    // `??=` sets it, and leave a settled promise there that makes flush() and close() spin forever.
    if (gaveUp || (draining === undefined && buffer.length === 0 && current === undefined)) return Promise.resolve();
    draining ??= (async () => {
      try {
        if (current !== undefined && !(await storedInTime(current))) return;
        let remaining = buffer.length;
        while (remaining > 0 && buffer.length > 0 && current === undefined) {
          const batch = buffer.splice(0, Math.min(batchSize, remaining));
          remaining -= batch.length;
          if (!(await storedInTime(startWrite(batch)))) break;
        }
      } finally {
        draining = undefined;
      }
    })();
    return draining;
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    // Off the caller's turn of the event loop: even a sink whose write does sync work cannot delay it.
    setTimeout(() => {
      scheduled = false;
      if (draining === undefined) void drain();
    }, 0);
  }

  /** Counts what close() could not deliver by its deadline as failed, including a write still running. */
  function giveUp(): void {
    gaveUp = true;
    stats.failed += buffer.length + stats.inFlight;
    buffer = [];
    stats.inFlight = 0;
  }

  async function closeSink(): Promise<void> {
    if (current === undefined) return sink.close?.();
    // Closed after the hung write answers, never beside it: the sink sees one call at a time to the end.
    current.stored.then(() => sink.close?.()).catch(report);
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
      while (draining !== undefined) await draining;
      await drain();
    },
    close(closeOptions) {
      closing ??= (async () => {
        clearInterval(timer);
        const deadline = Date.now() + (closeOptions?.timeoutMs ?? 10_000);
        // Each pass delivers a batch, uses up one of its attempts or waits writeTimeoutMs on a slow
        // write, so this ends on its own for a live sink; the deadline cuts short the wait on a hung one.
        while ((buffer.length > 0 || draining !== undefined || current !== undefined) && Date.now() < deadline) {
          await settleWithin(drain(), deadline - Date.now());
        }
        giveUp();
        await closeSink();
      })();
      return closing;
    },
    stats: () => ({ ...stats, buffered: buffer.length }),
  };
}

function positive(value: number, field: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new AgentryError('AGENTRY_INVALID_OPTIONS', `meterMiddleware: \`buffer.${field}\` must be a positive number, got ${value}`);
  }
  return value;
}
