/** A Kubernetes CPU quantity: whole or decimal cores (`2`, `0.5`) or millicores (`250m`). */
export const cpuPattern = /^(?:\d+(?:\.\d{1,3})?|\d+m)$/;
/** A Kubernetes memory quantity: bytes with an optional binary (`Mi`, `Gi`) or decimal (`M`, `G`) suffix. */
export const memoryPattern = /^\d+(?:\.\d+)?(?:Ki|Mi|Gi|Ti|k|K|M|G|T)?$/;

const memoryUnits: Record<string, number> = {
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/**
 * Millicores of a CPU quantity.
 * @example cpuMillicores('250m') // 250; cpuMillicores('1.5') // 1500
 */
export function cpuMillicores(quantity: string): number {
  if (!cpuPattern.test(quantity)) return Number.NaN;
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) : Math.round(Number(quantity) * 1_000);
}

/**
 * Bytes of a memory quantity.
 * @example memoryBytes('512Mi') // 536870912
 */
export function memoryBytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)([A-Za-z]*)$/.exec(quantity);
  if (!match || !memoryPattern.test(quantity)) return Number.NaN;
  return Math.round(Number(match[1]) * memoryUnits[match[2]!]!);
}
