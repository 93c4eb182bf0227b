import type { ServerResponse } from 'node:http';

/** Counts responses not yet finished, so a graceful close can wait for them. */
export interface InFlightTracker {
  /** Counts `response` until it finishes or its connection closes. */
  track(response: ServerResponse): void;
  readonly count: number;
  /** Resolves once nothing is in flight, or after `timeoutMs`; true when it went idle. */
  idle(timeoutMs: number): Promise<boolean>;
}

export function createInFlightTracker(): InFlightTracker {
  let count = 0;
  let waiters: Array<() => void> = [];
  const done = (): void => {
    count--;
    if (count === 0 && waiters.length > 0) {
      const ready = waiters;
      waiters = [];
      for (const resolve of ready) resolve();
    }
  };
  return {
    track(response) {
      count++;
      // 'close' comes once per response: after it finished, or when its connection dropped. So
      // `on`, not `once`, which would wrap the listener per request.
      response.on('close', done);
    },
    get count() {
      return count;
    },
    idle(timeoutMs) {
      if (count === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((waiter) => waiter !== onIdle);
          resolve(false);
        }, timeoutMs);
        const onIdle = (): void => {
          clearTimeout(timer);
          resolve(true);
        };
        waiters.push(onIdle);
      });
    },
  };
}
