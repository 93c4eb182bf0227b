import { piiDetectors, type PiiType, type TextFacts } from './pii-detectors';

/** Where one piece of personal data or one secret sits in a text: `text.slice(start, end)`. */
export interface PiiFinding {
  readonly type: PiiType;
  readonly start: number;
  readonly end: number;
}

/** Options of {@link detectPii}. */
export interface DetectPiiOptions {
  /** Only look for these types. @default every type in `piiTypes` */
  types?: readonly PiiType[];
}

/**
 * Finds emails, phone numbers, payment cards (Luhn), IBANs (mod 97), US SSNs, IPv4/IPv6
 * addresses, API keys and JWTs in a text. Candidates are checked (check digits, issuer
 * prefixes, SSA rules, address grammar), so order numbers, dates, versions and UUIDs are left
 * alone. Where two findings overlap, the more specific type wins (a JWT sent as a Bearer
 * token is a `jwt`). Findings do not overlap and are sorted by position.
 *
 * @example
 * detectPii('mail ada@example.com') // [{ type: 'email', start: 5, end: 20 }]
 */
export function detectPii(text: string, options: DetectPiiOptions = {}): PiiFinding[] {
  const wanted = options.types === undefined ? undefined : new Set(options.types);
  const facts: TextFacts = { digits: countDigits(text, maxDigitsNeeded) };
  let candidates: (PiiFinding & { priority: number })[] | undefined;
  for (const detector of piiDetectors) {
    if ((wanted !== undefined && !wanted.has(detector.type)) || !detector.mayContain(text, facts)) continue;
    // exec on the shared global pattern rather than matchAll, which clones the pattern per call;
    // detection is synchronous, so nothing else uses the pattern meanwhile.
    const { pattern } = detector;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      // As matchAll does, step past an empty match (no built-in pattern has one).
      if (match[0].length === 0) pattern.lastIndex++;
      if (!detector.accept(match, text)) continue;
      (candidates ??= []).push({ type: detector.type, start: match.index, end: match.index + match[0].length, priority: detector.priority });
    }
  }
  if (candidates === undefined) return [];
  if (candidates.length < 2) return candidates.map(({ type, start, end }) => ({ type, start, end }));
  // The most specific type claims its span first; then the longer match.
  candidates.sort((a, b) => b.priority - a.priority || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const chosen: PiiFinding[] = [];
  for (const candidate of candidates) {
    if (chosen.some((kept) => candidate.start < kept.end && kept.start < candidate.end)) continue;
    chosen.push({ type: candidate.type, start: candidate.start, end: candidate.end });
  }
  return chosen.sort((a, b) => a.start - b.start);
}

/** Digits counted at most: no detector needs to know of more than this many. */
const maxDigitsNeeded = 13;

/** Counts the decimal digits of `text`, stopping at `max`. */
function countDigits(text: string, max: number): number {
  let digits = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 48 && code <= 57 && ++digits >= max) break;
  }
  return digits;
}
