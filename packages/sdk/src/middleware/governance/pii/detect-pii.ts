import { piiDetectors, type PiiType } from './pii-detectors';

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
  const candidates: (PiiFinding & { priority: number })[] = [];
  for (const detector of piiDetectors) {
    if ((wanted !== undefined && !wanted.has(detector.type)) || !detector.mayContain(text)) continue;
    detector.pattern.lastIndex = 0;
    for (const match of text.matchAll(detector.pattern)) {
      if (!detector.accept(match, text)) continue;
      candidates.push({ type: detector.type, start: match.index, end: match.index + match[0].length, priority: detector.priority });
    }
  }
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
