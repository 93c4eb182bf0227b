import { detectPii, type DetectPiiOptions, type PiiFinding } from './detect-pii';
import { addPiiCounts, applyRedactions, redactionMarker, type PiiCounts } from './redact-pii';

/** Options of {@link createStreamingRedactor}. */
export interface StreamingRedactorOptions extends DetectPiiOptions {
  /**
   * Characters held back at the end of the stream until more text arrives, so personal data
   * split across deltas is seen whole. Must exceed the longest finding that contains spaces
   * (a spaced IBAN is at most 42). @default 64
   */
  holdBackChars?: number;
  /**
   * Most characters held while waiting for a word without spaces to end (API keys and JWTs
   * have no spaces, so the word is held whole). Past this, text is released anyway. @default 4096
   */
  maxHoldChars?: number;
}

/** Redacts a text that arrives in pieces: push each delta, emit what it returns, flush at the end. */
export interface StreamingRedactor {
  /** Takes the next piece and returns the redacted text that is now safe to emit (often ''). */
  push(text: string): string;
  /** Ends the text and returns the rest, redacted. */
  flush(): string;
  /** Findings replaced so far, by type. */
  readonly counts: PiiCounts;
}

// Already-emitted text kept so boundary and context rules (`ORD-` before digits, `version`
// before a dotted quad) still see what came before the buffer.
const contextChars = 32;

// A PEM private key spans far more than the hold-back window: from its BEGIN line, text is held
// until its END line shows the whole block (then redacted as one finding). Past `maxKeyChars`
// without an END, or at the end of the stream, everything from BEGIN on is replaced instead.
const pemBegin = /-----BEGIN (?:[A-Z]{2,9} )?PRIVATE KEY-----/g;
const pemEnd = /-----END (?:[A-Z]{2,9} )?PRIVATE KEY-----/;
const maxKeyChars = 16_384;
const keyMarker = redactionMarker('api-key');

/** Where in `text` a private key block starts that has not ended yet, or -1. */
function openKeyStart(text: string): number {
  if (!text.includes('PRIVATE KEY-----')) return -1;
  pemBegin.lastIndex = 0;
  for (let match = pemBegin.exec(text); match !== null; match = pemBegin.exec(text)) {
    if (!pemEnd.test(text.slice(match.index + match[0].length))) return match.index;
  }
  return -1;
}

/**
 * Creates a redactor for streamed text. The trade-off: text reaches the caller up to
 * `holdBackChars` characters (or one unfinished word) late, in exchange for never emitting the
 * first half of an email, card number or key before its second half shows it is one. The
 * concatenated output equals redacting the whole text at once, except for findings longer than
 * the hold-back window that contain spaces, which no built-in type produces.
 *
 * @example
 * const redactor = createStreamingRedactor();
 * redactor.push('mail ada@exa') + redactor.push('mple.com now') + redactor.flush()
 * // 'mail [REDACTED:email] now'
 */
export function createStreamingRedactor(options: StreamingRedactorOptions = {}): StreamingRedactor {
  const holdBack = options.holdBackChars ?? 64;
  const maxHold = Math.max(options.maxHoldChars ?? 4096, holdBack);
  const detectOptions: DetectPiiOptions = options.types === undefined ? {} : { types: options.types };
  const counts: PiiCounts = {};
  let context = '';
  let buffer = '';
  // Inside a private key whose start was already replaced: text is dropped until its END line.
  let keyTail: string | undefined;

  function release(final: boolean): string {
    if (buffer.length === 0) return '';
    const offset = context.length;
    const keyStart = openKeyStart(context + buffer);
    // Where in the buffer the open key's text starts (0 when its BEGIN line began in the context).
    const keyAt = keyStart === -1 ? undefined : Math.max(0, keyStart - offset);
    if (keyAt !== undefined && (final || buffer.length - keyAt > maxKeyChars)) return replaceOpenKey(keyAt, final);
    const findings: PiiFinding[] = [];
    for (const finding of detectPii(context + buffer, detectOptions)) {
      if (finding.end <= offset) continue;
      findings.push({ type: finding.type, start: Math.max(0, finding.start - offset), end: finding.end - offset });
    }
    let cut = final ? buffer.length : safeCut(buffer, holdBack, maxHold);
    if (keyAt !== undefined) cut = Math.min(cut, keyAt);
    if (!final) {
      for (let index = findings.length - 1; index >= 0; index--) {
        const finding = findings[index]!;
        if (finding.start < cut && finding.end > cut) cut = finding.start;
      }
    }
    if (cut <= 0) return '';
    const released = findings.filter((finding) => finding.end <= cut);
    const found: PiiCounts = {};
    const text = applyRedactions(buffer.slice(0, cut), released, found);
    addPiiCounts(counts, found);
    context = (context + buffer.slice(0, cut)).slice(-contextChars);
    buffer = buffer.slice(cut);
    return text;
  }

  /** Emits the text before a key that never ended (in time), then one marker for the key. */
  function replaceOpenKey(at: number, final: boolean): string {
    const key = buffer.slice(at);
    buffer = buffer.slice(0, at);
    const before = buffer.length === 0 ? '' : release(true);
    counts['api-key'] = (counts['api-key'] ?? 0) + 1;
    context = keyMarker;
    buffer = '';
    if (!final) keyTail = key.slice(-48);
    return before + keyMarker;
  }

  /** Drops the rest of a replaced key; returns what follows its END line, or undefined while inside it. */
  function skipKey(text: string): string | undefined {
    const tail = keyTail! + text;
    const end = pemEnd.exec(tail);
    if (end === null) {
      keyTail = tail.slice(-48);
      return undefined;
    }
    keyTail = undefined;
    return tail.slice(end.index + end[0].length);
  }

  return {
    push(text) {
      if (keyTail !== undefined) {
        const after = skipKey(text);
        if (after === undefined) return '';
        text = after;
      }
      buffer += text;
      return buffer.length > holdBack ? release(false) : '';
    },
    flush: () => (keyTail !== undefined ? ((keyTail = undefined), '') : release(true)),
    counts,
  };
}

/** Where to cut so the last `holdBack` characters and any word running across the cut stay held. */
function safeCut(buffer: string, holdBack: number, maxHold: number): number {
  const cut = buffer.length - holdBack;
  if (/\s/.test(buffer[cut]!) || /\s/.test(buffer[cut - 1]!)) return cut;
  for (let index = cut - 1; index >= 0; index--) if (/\s/.test(buffer[index]!)) return index + 1;
  // One long word fills the buffer: release it once it passes the cap rather than hold forever.
  return buffer.length > maxHold ? cut : 0;
}
