import { describe, expect, it } from 'vitest';
import { AgentryError } from '../../contract';
import { createCallDeadlines, type StopSource } from './call-deadlines';

function stopSource(): StopSource & { fire(reason: unknown): void } {
  let listeners: Array<(reason: unknown) => void> = [];
  const source = {
    aborted: false,
    reason: undefined as unknown,
    subscribe(listener: (reason: unknown) => void) {
      if (source.aborted) {
        listener(source.reason);
        return () => {};
      }
      listeners.push(listener);
      return () => (listeners = listeners.filter((candidate) => candidate !== listener));
    },
    fire(reason: unknown) {
      source.aborted = true;
      source.reason = reason;
      for (const listener of listeners) listener(reason);
    },
  };
  return source;
}

const untilAborted = (bind: (abort: (reason: unknown) => void) => void) => new Promise<unknown>((resolve) => bind(resolve));

describe('createCallDeadlines', () => {
  it('cancels an attempt at its deadline with AGENTRY_TIMEOUT naming the attempt, once it is bound', async () => {
    const deadlines = createCallDeadlines({ attemptMs: 20, totalMs: 5_000 }, 'invoke echo', 'req_1', undefined, undefined);
    const attempt = deadlines.begin(2);
    const reason = await untilAborted((abort) => attempt.bind(abort));
    deadlines.end();
    expect(reason).toBeInstanceOf(AgentryError);
    expect(reason).toMatchObject({ code: 'AGENTRY_TIMEOUT', message: 'invoke echo timed out after 20 ms (attempt 2)', requestId: 'req_1' });
    expect(attempt.aborted).toBe(true);
  });

  it('cancels with the total deadline when it comes before the attempt deadline, not retryable', async () => {
    const deadlines = createCallDeadlines({ attemptMs: 5_000, totalMs: 20 }, 'invoke echo', 'req_1', undefined, undefined);
    const attempt = deadlines.begin(1);
    const reason = await untilAborted((abort) => attempt.bind(abort));
    deadlines.end();
    expect(reason).toMatchObject({ code: 'AGENTRY_TIMEOUT', message: 'invoke echo timed out after 20 ms (total)', retryable: false });
    expect(deadlines.expired()).toMatchObject({ code: 'AGENTRY_TIMEOUT' });
  });

  it("passes the caller's abort reason, also when the signal aborted before the attempt was bound", async () => {
    const controller = new AbortController();
    const deadlines = createCallDeadlines({ attemptMs: 5_000, totalMs: 5_000 }, 'invoke echo', 'req_1', controller.signal, undefined);
    const attempt = deadlines.begin(1);
    controller.abort('stop');
    const reasons: unknown[] = [];
    attempt.bind((reason) => reasons.push(reason));
    deadlines.end();
    expect(reasons).toEqual(['stop']);
    expect(attempt.reason).toBe('stop');
    expect(deadlines.cancelled()).toBe(true);
  });

  it('follows a stop source, and stops following it (and the timer) once the attempt ends', async () => {
    const stop = stopSource();
    const deadlines = createCallDeadlines({ attemptMs: 30, totalMs: 5_000 }, 'stream summarize', 'req_1', undefined, stop);
    const first = deadlines.begin(1);
    const reasons: unknown[] = [];
    first.bind((reason) => reasons.push(reason));
    deadlines.end();
    stop.fire('stalled');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(reasons).toEqual([]);
    const second = deadlines.begin(2);
    second.bind((reason) => reasons.push(reason));
    deadlines.end();
    expect(reasons).toEqual(['stalled']);
  });

  it('pauses between attempts, ending the pause early with the total deadline or a cancel', async () => {
    const plain = createCallDeadlines({ attemptMs: 1_000, totalMs: 5_000 }, 'invoke echo', 'req_1', undefined, undefined);
    await expect(plain.pause(5)).resolves.toBeUndefined();

    const short = createCallDeadlines({ attemptMs: 1_000, totalMs: 20 }, 'invoke echo', 'req_1', undefined, undefined);
    const started = Date.now();
    await expect(short.pause(5_000)).rejects.toMatchObject({ code: 'AGENTRY_TIMEOUT', message: 'invoke echo timed out after 20 ms (total)' });
    expect(Date.now() - started).toBeLessThan(1_000);

    const controller = new AbortController();
    const cancelled = createCallDeadlines({ attemptMs: 1_000, totalMs: 5_000 }, 'invoke echo', 'req_1', controller.signal, undefined);
    setTimeout(() => controller.abort('gone'), 5);
    await expect(cancelled.pause(5_000)).rejects.toBe('gone');
  });
});
