import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStallWatch } from './stall-watch';

describe('createStallWatch', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('aborts with AGENTRY_STREAM_STALLED when no model event comes within firstEventMs, pings or not', () => {
    const watch = createStallWatch(1000, 200, 'openai:gpt-4o-mini');
    vi.advanceTimersByTime(600);
    watch.activity(); // a ping: the connection lives, but no token yet
    vi.advanceTimersByTime(399);
    expect(watch.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(watch.signal.reason).toMatchObject({ code: 'AGENTRY_STREAM_STALLED', message: expect.stringContaining('no model event within 1000 ms') });
  });

  it('after the first event, any activity re-arms the idle deadline', () => {
    const watch = createStallWatch(1000, 200, 'label');
    watch.event();
    vi.advanceTimersByTime(150);
    watch.activity();
    vi.advanceTimersByTime(150);
    expect(watch.signal.aborted).toBe(false);
    vi.advanceTimersByTime(50);
    expect(watch.signal.reason).toMatchObject({ code: 'AGENTRY_STREAM_STALLED', message: expect.stringContaining('no activity for 200 ms') });
  });

  it('does not count the time the caller holds an event as silence', () => {
    const watch = createStallWatch(1000, 200, 'label');
    watch.event();
    watch.pause();
    vi.advanceTimersByTime(5000);
    expect(watch.signal.aborted).toBe(false);
    watch.resume();
    vi.advanceTimersByTime(200);
    expect(watch.signal.aborted).toBe(true);
  });

  it('stops for good', () => {
    const watch = createStallWatch(100, 100, 'label');
    watch.stop();
    vi.advanceTimersByTime(1000);
    expect(watch.signal.aborted).toBe(false);
  });
});
