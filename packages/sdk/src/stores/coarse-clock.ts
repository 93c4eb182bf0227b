/**
 * Date.now read at most once per millisecond: a store checks expiry on every read, and a clock
 * read per lookup is a visible share of a cache hit. The cached reading is dropped by a timer
 * (unref'd, so it never keeps a process alive); expiry is therefore checked to within ~1 ms.
 */
export function createCoarseClock(): () => number {
  let reading: number | undefined;
  const forget = (): void => {
    reading = undefined;
  };
  return () => {
    if (reading === undefined) {
      reading = Date.now();
      setTimeout(forget, 1).unref();
    }
    return reading;
  };
}
