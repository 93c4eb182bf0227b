/** Budgets count integer micro-dollars so every counter backend adds them exactly. */
export const microUsdPerUsd = 1_000_000;

// Float products such as 0.1 * 1e6 = 100000.00000000001 must not round a whole micro-dollar the wrong way.
const epsilon = 1e-6;

/** US dollars to micro-dollars, rounding a cost up (never under-count spend). */
export function costToMicroUsd(usd: number): number {
  return Math.max(0, Math.ceil(usd * microUsdPerUsd - epsilon));
}

/** US dollars to micro-dollars, rounding a limit down (never allow more than configured). */
export function limitToMicroUsd(usd: number): number {
  return Math.max(0, Math.floor(usd * microUsdPerUsd + epsilon));
}

/** Micro-dollars as `$1.2345` for messages. */
export function formatMicroUsd(micros: number): string {
  const usd = micros / microUsdPerUsd;
  return `$${usd.toFixed(Math.abs(usd) < 1 ? 4 : 2)}`;
}
