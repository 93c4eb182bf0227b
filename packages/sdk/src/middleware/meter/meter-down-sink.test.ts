import { describe, expect, it } from 'vitest';
import { echo } from './meter-test-kit';
import type { Middleware } from '../../core/middleware';
import { createRuntime } from '../../runtime';
import { meterMiddleware } from './meter-middleware';
import type { UsageSink } from './usage-sink';


/** A sink whose every write hangs for a long time, then fails: a dead collector behind a slow network. */
function downSink(): UsageSink & { writes: number } {
  const sink = {
    name: 'down',
    writes: 0,
    write() {
      sink.writes++;
      return new Promise<void>((_resolve, reject) => setTimeout(() => reject(new Error('ECONNREFUSED')), 2_000).unref());
    },
  };
  return sink;
}

async function timeCalls(middleware: Middleware[], calls: number): Promise<number> {
  const runtime = createRuntime({ packs: [echo], middleware });
  const started = performance.now();
  for (let index = 0; index < calls; index++) {
    await runtime.invoke({ agent: 'echo', input: { text: 'x' }, tenant: 't' });
    // Let timers run now and then, as a server's event loop would, so the sink is written to mid-run.
    if (index % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
  }
  return performance.now() - started;
}

describe('meterMiddleware with a sink that is down', () => {
  it('does not slow invocations noticeably and counts every record it could not deliver', async () => {
    const calls = 300;
    const sink = downSink();
    const meter = meterMiddleware({ sink, buffer: { maxBuffered: 50, batchSize: 10, writeTimeoutMs: 50, maxAttempts: 2 } });
    await timeCalls([], 20); // warm-up, so JIT and module loading do not land on one side
    const bare = await timeCalls([], calls);
    const metered = await timeCalls([meter], calls);
    // Generous bound: a blocking sink would add 2 s per call (or per batch); the buffer adds microseconds.
    expect(metered).toBeLessThan(bare * 5 + 250);
    expect(sink.writes).toBeGreaterThan(0);
    const during = meter.stats();
    expect(during.recorded).toBe(calls);
    expect(during.dropped).toBeGreaterThan(0);
    // A write still running is waited for, never abandoned: close gives up at its deadline and counts what is left.
    await meter.close({ timeoutMs: 300 });
    const after = meter.stats();
    expect(after).toMatchObject({ recorded: calls, delivered: 0, buffered: 0, inFlight: 0 });
    expect(after.dropped + after.failed).toBe(calls);
  });

  it('keeps the buffer bounded and accounts for every record while the sink hangs', async () => {
    const sink: UsageSink = { name: 'hung', write: () => new Promise<void>(() => {}) };
    const meter = meterMiddleware({ sink, buffer: { maxBuffered: 20, batchSize: 5, writeTimeoutMs: 30, maxAttempts: 1 } });
    const runtime = createRuntime({ packs: [echo], middleware: [meter] });
    for (let index = 0; index < 100; index++) await runtime.invoke({ agent: 'echo', input: { text: 'x' }, tenant: 't' });
    const stats = meter.stats();
    expect(stats.buffered).toBeLessThanOrEqual(20);
    expect(stats.delivered + stats.dropped + stats.failed + stats.buffered + stats.inFlight).toBe(100);
    // A write still running is waited for, never abandoned: close gives up at its deadline and counts what is left.
    await meter.close({ timeoutMs: 300 });
    const closed = meter.stats();
    expect(closed.dropped + closed.failed).toBe(100);
    // Records produced after close are counted as dropped too, never silently ignored.
    await runtime.invoke({ agent: 'echo', input: { text: 'x' }, tenant: 't' });
    expect(meter.stats()).toMatchObject({ recorded: 101, dropped: closed.dropped + 1 });
  });
});

describe('meterMiddleware.close with a hung sink', () => {
  it('gives up at its deadline and counts what was left as failed', async () => {
    const sink: UsageSink = { name: 'hung', write: () => new Promise<void>(() => {}) };
    const meter = meterMiddleware({ sink, buffer: { batchSize: 2, writeTimeoutMs: 20, maxAttempts: 100 } });
    const runtime = createRuntime({ packs: [echo], middleware: [meter] });
    for (let index = 0; index < 10; index++) await runtime.invoke({ agent: 'echo', input: { text: 'x' }, tenant: 't' });
    await meter.close({ timeoutMs: 60 });
    expect(meter.stats()).toMatchObject({ recorded: 10, delivered: 0, buffered: 0, inFlight: 0, failed: 10 });
  });
});
