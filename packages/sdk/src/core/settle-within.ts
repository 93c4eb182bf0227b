/** What {@link settleWithin} gives when the promise has not settled in time. */
export const LATE: unique symbol = Symbol('late');

/**
 * `promise`'s outcome, or {@link LATE} once `ms` have passed. Only the waiting stops: the promise
 * runs on, so whoever owns it still sees it settle. This is what lets the meter stop waiting on a
 * slow sink without ever abandoning (and so overlapping or duplicating) its write, and a Redis
 * store stop waiting for QUIT on a frozen server.
 */
export async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<T | typeof LATE> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Not unref'd: a caller awaiting flush() or close() at shutdown must get its answer before the process exits.
  const late = new Promise<typeof LATE>((resolve) => {
    timer = setTimeout(() => resolve(LATE), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
