import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCoarseClock } from './coarse-clock';

describe('createCoarseClock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers one reading within a millisecond and a fresh one after', () => {
    vi.useFakeTimers({ now: 1_000 });
    const now = createCoarseClock();
    expect(now()).toBe(1_000);
    vi.setSystemTime(1_000.5);
    expect(now()).toBe(1_000);
    vi.advanceTimersByTime(1);
    expect(now()).toBe(Date.now());
    expect(now()).toBeGreaterThan(1_000);
  });

  it('follows the real clock over time', async () => {
    const now = createCoarseClock();
    const first = now();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(now() - first).toBeGreaterThanOrEqual(15);
  });
});
