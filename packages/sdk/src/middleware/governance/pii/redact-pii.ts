import { detectPii, type DetectPiiOptions, type PiiFinding } from './detect-pii';
import type { PiiType } from './pii-detectors';

/** How many findings of each type a redaction replaced. Never holds the data itself. */
export type PiiCounts = Partial<Record<PiiType, number>>;

/** What {@link redactPii} returns: the redacted copy and what it replaced. */
export interface PiiRedaction<Value> {
  /** The value with every finding replaced by `[REDACTED:<type>]`; the same reference when nothing was found. */
  readonly value: Value;
  readonly counts: PiiCounts;
  /** Sum of `counts`. */
  readonly total: number;
}

/** The placeholder a finding of `type` is replaced with. */
export function redactionMarker(type: PiiType): string {
  return `[REDACTED:${type}]`;
}

/** Replaces the findings (sorted, non-overlapping) in `text` and adds them to `counts`. */
export function applyRedactions(text: string, findings: readonly PiiFinding[], counts: PiiCounts): string {
  if (findings.length === 0) return text;
  let redacted = '';
  let position = 0;
  for (const finding of findings) {
    redacted += text.slice(position, finding.start) + redactionMarker(finding.type);
    position = finding.end;
    counts[finding.type] = (counts[finding.type] ?? 0) + 1;
  }
  return redacted + text.slice(position);
}

/**
 * Redacts personal data and secrets in a string, or in every string inside a JSON value
 * (arrays and plain objects are walked; object keys, numbers and other values are kept). The
 * input is never changed: parts that needed no redaction are shared with it.
 *
 * @example
 * redactPii({ note: 'card 4111 1111 1111 1111' })
 * // { value: { note: 'card [REDACTED:card]' }, counts: { card: 1 }, total: 1 }
 */
export function redactPii<Value>(value: Value, options: DetectPiiOptions = {}): PiiRedaction<Value> {
  const counts: PiiCounts = {};
  const redacted = walk(value, options, counts) as Value;
  let total = 0;
  for (const type in counts) total += counts[type as PiiType]!;
  return { value: total === 0 ? value : redacted, counts, total };
}

// Loops rather than forEach/Object.entries: this runs over every input and output, and most hold
// a handful of short strings, where the callbacks and entry pairs cost more than the scan.
function walk(value: unknown, options: DetectPiiOptions, counts: PiiCounts): unknown {
  if (typeof value === 'string') return applyRedactions(value, detectPii(value, options), counts);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      if (!(index in value)) continue; // a hole stays a hole
      const item: unknown = value[index];
      const next = walk(item, options, counts);
      if (next !== item) (copy ??= value.slice())[index] = next;
    }
    return copy ?? value;
  }
  if (isPlainObject(value)) {
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      const item = value[key];
      const next = walk(item, options, counts);
      if (next !== item) (copy ??= { ...value })[key] = next;
    }
    return copy ?? value;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** Adds `extra` into `total` in place. */
export function addPiiCounts(total: PiiCounts, extra: PiiCounts): PiiCounts {
  for (const [type, count] of Object.entries(extra) as [PiiType, number][]) total[type] = (total[type] ?? 0) + count;
  return total;
}
