/** Number formats shared by the text table and the HTML report, independent of the machine's locale. */

/** `$0.0123` under a dollar (four decimals), `$12.35` above. */
export function formatUsd(value: number): string {
  return `$${value.toFixed(Math.abs(value) < 1 ? 4 : 2)}`;
}

/** `97.5%`, or `-` when there is nothing to divide. */
export function formatPercent(value: number | null): string {
  return value === null ? '-' : `${(value * 100).toFixed(1)}%`;
}

/** Whole numbers with comma thousands separators: `1,234,567`. */
export function formatCount(value: number): string {
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Milliseconds, whole below 10 s (`842`), with one decimal of seconds above (`12.4 s`). */
export function formatMs(value: number): string {
  return value < 10_000 ? `${Math.round(value)}` : `${(value / 1000).toFixed(1)} s`;
}
