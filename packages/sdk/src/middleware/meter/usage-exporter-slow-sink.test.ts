import { describe, expect, it } from 'vitest';
import { usageRecord as baseRecord } from './meter-test-kit';
import type { UsageRecord } from '../../contract/usage-event';
import { createUsageExporter, type UsageExporter } from './usage-exporter';
import type { UsageSink } from './usage-sink';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));


/** Records `count` invocations and returns their ids, in order. */
function usageRecord(invocationId: string) {
  return baseRecord({ invocationId, requestId: `req_${invocationId}` });
}

function recordMany(exporter: UsageExporter, count: number, prefix = 'inv'): string[] {
  const ids = Array.from({ length: count }, (_, index) => `${prefix}_${index}`);
  for (const id of ids) exporter.record(usageRecord(id));
  return ids;
}

/** A sink that takes `ms` per write (failing the calls `fails` picks) and notes how many writes overlap. */
function slowSink(ms: number, fails: (call: number) => boolean = () => false) {
  const sink = {
    name: 'slow',
    stored: [] as string[],
    calls: 0,
    active: 0,
    maxActive: 0,
    closed: 0,
    async write(records: readonly UsageRecord[]) {
      const call = ++sink.calls;
      sink.maxActive = Math.max(sink.maxActive, ++sink.active);
      try {
        await sleep(ms);
        if (fails(call)) throw new Error('ECONNRESET');
        sink.stored.push(...records.map((record) => record.invocationId));
      } finally {
        sink.active--;
      }
    },
    async close() {
      sink.closed++;
    },
  } satisfies UsageSink & Record<string, unknown>;
  return sink;
}

/** A sink whose writes never answer until the test calls `answer()`: a collector behind a dead connection. */
function hungSink() {
  let answer = () => {};
  const sink = {
    name: 'hung',
    calls: 0,
    closed: 0,
    write() {
      sink.calls++;
      return new Promise<void>((resolve) => {
        answer = resolve;
      });
    },
    async close() {
      sink.closed++;
    },
    answer: () => answer(),
  } satisfies UsageSink & Record<string, unknown>;
  return sink;
}

const codeOf = (error: unknown) => (error as { code?: string }).code;

describe('createUsageExporter with a sink slower than writeTimeoutMs', () => {
  it('stores every record exactly once, one write at a time, and counts them all as delivered', async () => {
    const sink = slowSink(100);
    const errors: unknown[] = [];
    const exporter = createUsageExporter(sink, { batchSize: 5, writeTimeoutMs: 20, flushIntervalMs: 10, onError: (error) => errors.push(error) });
    const ids = recordMany(exporter, 20);
    await exporter.close();
    expect(sink.stored).toEqual(ids);
    expect(sink.maxActive).toBe(1);
    expect(exporter.stats()).toEqual({ recorded: 20, delivered: 20, dropped: 0, failed: 0, buffered: 0, inFlight: 0 });
    // The timeout still marks each slow write, once, without giving up on it.
    expect(errors).toHaveLength(sink.calls);
    expect(errors.map(codeOf)).toEqual(Array(sink.calls).fill('AGENTRY_TIMEOUT'));
    expect(sink.closed).toBe(1);
  });

  it('queues records that arrive during a slow write in the bounded buffer, counting the overflow as dropped', async () => {
    const sink = slowSink(80);
    const exporter = createUsageExporter(sink, { batchSize: 5, maxBuffered: 10, writeTimeoutMs: 10, flushIntervalMs: 5 });
    const first = recordMany(exporter, 5, 'first');
    await sleep(30);
    expect(exporter.stats()).toMatchObject({ inFlight: 5, buffered: 0 });
    const later = recordMany(exporter, 15, 'later');
    expect(exporter.stats()).toMatchObject({ recorded: 20, inFlight: 5, buffered: 10, dropped: 5 });
    await exporter.close();
    expect(sink.stored).toEqual([...first, ...later.slice(0, 10)]);
    expect(sink.maxActive).toBe(1);
    expect(exporter.stats()).toEqual({ recorded: 20, delivered: 15, dropped: 5, failed: 0, buffered: 0, inFlight: 0 });
  });

  it('lets flush() stop waiting at writeTimeoutMs, but never starts a second write beside the slow one', async () => {
    const sink = slowSink(200);
    const exporter = createUsageExporter(sink, { writeTimeoutMs: 20, flushIntervalMs: 60_000 });
    const first = recordMany(exporter, 3, 'first');
    const started = performance.now();
    await exporter.flush();
    expect(performance.now() - started).toBeLessThan(150);
    expect(exporter.stats()).toMatchObject({ delivered: 0, failed: 0, inFlight: 3 });
    const second = recordMany(exporter, 3, 'second');
    await exporter.flush();
    expect(sink.calls).toBe(1);
    expect(exporter.stats()).toMatchObject({ delivered: 0, inFlight: 3, buffered: 3 });
    await exporter.close();
    expect(sink.stored).toEqual([...first, ...second]);
    expect(sink.maxActive).toBe(1);
    expect(exporter.stats()).toMatchObject({ delivered: 6, failed: 0 });
  });

  it('retries a slow write that finally fails, as maxAttempts allows, after it settled', async () => {
    const sink = slowSink(50, (call) => call === 1);
    const errors: unknown[] = [];
    const exporter = createUsageExporter(sink, { batchSize: 5, maxAttempts: 2, writeTimeoutMs: 10, onError: (error) => errors.push(error) });
    const ids = recordMany(exporter, 5);
    await exporter.close();
    expect(sink.calls).toBe(2);
    expect(sink.maxActive).toBe(1);
    expect(sink.stored).toEqual(ids);
    expect(exporter.stats()).toMatchObject({ delivered: 5, failed: 0, dropped: 0 });
    expect(errors.some((error) => (error as Error).message === 'ECONNRESET')).toBe(true);
  });
});

describe('createUsageExporter.close with a hung sink', () => {
  it('returns by its deadline and counts the queued and in-flight records as failed', async () => {
    const sink = hungSink();
    const exporter = createUsageExporter(sink, { batchSize: 5, writeTimeoutMs: 20, maxAttempts: 100 });
    recordMany(exporter, 12);
    const started = performance.now();
    await exporter.close({ timeoutMs: 100 });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(exporter.stats()).toEqual({ recorded: 12, delivered: 0, dropped: 0, failed: 12, buffered: 0, inFlight: 0 });
    // No second write was started beside the hung one, and the sink is not closed under it either.
    expect(sink.calls).toBe(1);
    expect(sink.closed).toBe(0);
  });

  it('moves the records of a write it gave up on to delivered should the sink still store them, then closes the sink', async () => {
    const sink = hungSink();
    const exporter = createUsageExporter(sink, { batchSize: 5, writeTimeoutMs: 20 });
    recordMany(exporter, 12);
    await exporter.close({ timeoutMs: 50 });
    sink.answer();
    await sleep(0);
    expect(exporter.stats()).toEqual({ recorded: 12, delivered: 5, dropped: 0, failed: 7, buffered: 0, inFlight: 0 });
    expect(sink.calls).toBe(1);
    expect(sink.closed).toBe(1);
  });
});
