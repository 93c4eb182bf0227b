import { hasCardIssuerPrefix, isIbanValid, isLuhnValid, isValidIpv4, isValidIpv6, isValidSsn } from './pii-checksums';

/** The kinds of personal data and secrets the detectors find. */
export const piiTypes = ['email', 'phone', 'card', 'iban', 'ssn', 'ipv4', 'ipv6', 'api-key', 'jwt'] as const;

/** One kind of personal data or secret. */
export type PiiType = (typeof piiTypes)[number];

/** Facts about a text, computed once and shared by every detector's {@link PiiDetector.mayContain}. */
export interface TextFacts {
  /** Decimal digits in the text, counted up to 13 (the fewest a payment card has). */
  readonly digits: number;
}

/** How one type is found: a candidate regex (global), then a check that rejects look-alikes. */
export interface PiiDetector {
  readonly type: PiiType;
  /** Wins over lower priorities where two findings overlap. */
  readonly priority: number;
  /**
   * Cheap test that skips the regex on text that cannot contain this type. It may say yes
   * wrongly, never no wrongly: the regex decides.
   */
  readonly mayContain: (text: string, facts: TextFacts) => boolean;
  readonly pattern: RegExp;
  readonly accept: (match: RegExpExecArray, text: string) => boolean;
}

/** `least` is the fewest digits a match can hold, so a text with fewer skips the regex. */
function hasDigits(least: number): PiiDetector['mayContain'] {
  return (_text, facts) => facts.digits >= least;
}

// Every API-key shape holds a `-` or `_` or starts with one of these literals.
const apiKeyLiterals = ['AKIA', 'ASIA', 'AIza'] as const;
const mayHoldApiKey = (text: string): boolean =>
  text.includes('-') || text.includes('_') || apiKeyLiterals.some((literal) => text.includes(literal));

// File names such as `logo@2x.png` have the shape of an address; these "TLDs" are extensions.
const fileExtensions = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'avif', 'ico', 'bmp', 'tiff', 'pdf']);

// Dotted quads right after these words are versions or build numbers, not addresses.
const versionContext = /(?:^|[^\w])(?:version|ver|release|build|rev|revision|firmware|v)\.?\s*[:=#]?\s*$/i;

/**
 * Random key material, not a phrase such as `sk-2024-q3-roadmap-v12`: letters and at least two
 * digits, and one unbroken run of 12 or more letters and digits (words joined by dashes are short).
 */
function looksRandom(body: string): boolean {
  let digits = 0;
  let letters = 0;
  let run = 0;
  let longestRun = 0;
  for (const character of body) {
    const isDigit = character >= '0' && character <= '9';
    const isLetter = !isDigit && /[A-Za-z]/.test(character);
    if (isDigit) digits++;
    if (isLetter) letters++;
    run = isDigit || isLetter ? run + 1 : 0;
    if (run > longestRun) longestRun = run;
  }
  return digits >= 2 && letters >= 2 && longestRun >= 12;
}

// Names under which configs, env files and logs hold secrets; the value after `=` or `:` is one.
const secretNames =
  'password|passwd|pwd|passphrase|secret|client[_-]?secret|secret[_-]?key|aws[_-]?secret[_-]?access[_-]?key|' +
  'api[_-]?key|apikey|access[_-]?token|auth[_-]?token|refresh[_-]?token|private[_-]?key|token';
const mayHoldSecretAssignment = (text: string): boolean => /pass|pwd|secret|token|key/i.test(text);

// Values that stand for a secret without being one: masks, template slots, markers, literals.
const placeholderSecret = /^(?:[*x•.]+|<[^>]*>|\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|%[^%]+%|\{\{[^}]*\}\}|\[REDACTED[^\]]*\]|redacted|null|none|undefined|true|false|changeme|example|required|optional)$/i;

/**
 * The value given to a secret's name is the secret, unless it is a placeholder or an ordinary
 * word (`password: required`, `token: expired`): one with a digit, a symbol or mixed case, or a
 * long one.
 */
function looksLikeSecretValue(value: string): boolean {
  if (placeholderSecret.test(value)) return false;
  return value.length >= 16 || /\d/.test(value) || /[^A-Za-z0-9]/.test(value) || (/[a-z]/.test(value) && /[A-Z]/.test(value));
}

function decodesToJsonHeader(segment: string): boolean {
  try {
    const base64 = segment.replaceAll('-', '+').replaceAll('_', '/');
    const header = JSON.parse(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4))) as unknown;
    return typeof header === 'object' && header !== null && ('alg' in header || 'typ' in header);
  } catch {
    return false;
  }
}

/** The built-in detectors, one per {@link PiiType} (phone has two shapes). */
export const piiDetectors: readonly PiiDetector[] = [
  {
    type: 'jwt',
    priority: 9,
    mayContain: (text) => text.includes('eyJ'),
    pattern: /(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}(?![\w-])/g,
    accept: (match) => decodesToJsonHeader(match[0].slice(0, match[0].indexOf('.'))),
  },
  {
    type: 'api-key',
    priority: 8,
    mayContain: mayHoldApiKey,
    pattern: new RegExp(
      '(?<![\\w-])(?:' +
        [
          'sk-ant-(?:api|admin)\\d{2}-[A-Za-z0-9_-]{20,}', // Anthropic
          'sk-(?:proj-|svcacct-|admin-)?(?<openai>[A-Za-z0-9_-]{20,})', // OpenAI
          '[sr]k_(?:live|test)_[A-Za-z0-9]{16,}', // Stripe secret and restricted keys
          'gh[pousr]_[A-Za-z0-9]{36,}', // GitHub tokens
          'github_pat_[A-Za-z0-9_]{22,}', // GitHub fine-grained tokens
          '(?:AKIA|ASIA)[A-Z0-9]{16}', // AWS access key ids
          'xox[bpas]-(?<slack>[A-Za-z0-9-]{10,})', // Slack
          'whsec_[A-Za-z0-9+/]{16,}={0,2}', // webhook signing secrets
          'AIza[0-9A-Za-z_-]{35}', // Google API keys
          'glpat-[A-Za-z0-9_-]{20,}', // GitLab tokens
        ].join('|') +
        ')(?![\\w-])',
      'g',
    ),
    accept: (match) => {
      const body = match.groups?.openai ?? match.groups?.slack;
      return body === undefined || looksRandom(body);
    },
  },
  {
    // A PEM private key block, whole: the key material spans lines.
    type: 'api-key',
    priority: 8,
    mayContain: (text) => text.includes('PRIVATE KEY-----'),
    // The body never holds `-----`, so each BEGIN is scanned only up to the next marker: linear
    // however many headers a text holds.
    pattern: /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY)-----(?:(?!-----)[\s\S]){16,}-----END \1-----/g,
    accept: () => true,
  },
  {
    // The value of a secret written as an assignment: `password=…`, `"client_secret": "…"`,
    // `AWS_SECRET_ACCESS_KEY: …`. Only the value is redacted, so the line still says what it held.
    type: 'api-key',
    priority: 8,
    mayContain: mayHoldSecretAssignment,
    // Bounded gaps in the lookbehind: an unbounded one is re-scanned at every position of a long
    // run of spaces, which a caller could send to stall the process.
    pattern: new RegExp(`(?<=(?<![A-Za-z0-9])(?:${secretNames})["']?[ \\t]{0,16}[:=][ \\t]{0,16}["']?)[^\\s"'\`,;]{8,}`, 'gi'),
    accept: (match) => looksLikeSecretValue(match[0]),
  },
  {
    // The token after `Bearer` in an Authorization header, whatever its format.
    type: 'api-key',
    priority: 8,
    mayContain: (text) => /bearer/i.test(text),
    pattern: /(?<=\b[Bb]earer\s{1,16})[A-Za-z0-9._~+/-]{16,}=*(?![\w.~+/-])/g,
    accept: (match) => looksRandom(match[0]),
  },
  {
    type: 'email',
    priority: 7,
    mayContain: (text) => text.includes('@'),
    pattern:
      /(?<![\w.%+'-])[A-Za-z0-9][A-Za-z0-9._%+'-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?<tld>[A-Za-z]{2,24})(?![\w-]|\.[A-Za-z0-9])/g,
    accept: (match) => !fileExtensions.has(match.groups!.tld!.toLowerCase()),
  },
  {
    type: 'iban',
    priority: 6,
    // Two check digits; the rest may be letters.
    mayContain: hasDigits(2),
    pattern: /(?<![\w])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![\w])/g,
    accept: (match) => isIbanValid(match[0].replaceAll(' ', '')),
  },
  {
    type: 'card',
    priority: 5,
    mayContain: hasDigits(13),
    pattern: /(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w]|[ -]\d)/g,
    accept: (match) => {
      const digits = match[0].replace(/[ -]/g, '');
      return hasCardIssuerPrefix(digits) && isLuhnValid(digits);
    },
  },
  {
    type: 'ssn',
    priority: 4,
    mayContain: hasDigits(9),
    pattern: /(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w]|[- ]\d)/g,
    accept: (match) => isValidSsn(match[1]!, match[3]!, match[4]!),
  },
  {
    // North American numbering plan: area and exchange codes start 2-9; bare 10-digit runs are
    // left alone (order numbers, timestamps) unless written with +.
    type: 'phone',
    priority: 3,
    mayContain: hasDigits(10),
    pattern: /(?<![\w+./-])(?:\+?1[ .-]?)?(?:\([2-9]\d{2}\)|[2-9]\d{2})[ .-]?[2-9]\d{2}[ .-]?\d{4}(?![\w]|[./-]\d)/g,
    accept: (match) => /\D/.test(match[0]),
  },
  {
    // International numbers written with a leading + and country code (E.164: 8 to 15 digits).
    type: 'phone',
    priority: 3,
    // E.164 numbers hold 8 to 15 digits.
    mayContain: (text, facts) => facts.digits >= 8 && text.includes('+'),
    pattern: /(?<![\w+])\+[1-9]\d{0,2}(?:[ .-]?\(?\d{1,4}\)?)(?:[ .-]?\(?\d{2,5}\)?){1,5}(?![\w]|[./-]\d)/g,
    accept: (match) => {
      const digits = match[0].replace(/\D/g, '').length;
      return digits >= 8 && digits <= 15;
    },
  },
  {
    type: 'ipv6',
    priority: 2,
    mayContain: (text) => text.includes(':'),
    pattern: /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?![\w:]|\.\d)/g,
    accept: (match) => isValidIpv6(match[0]),
  },
  {
    type: 'ipv4',
    priority: 1,
    mayContain: (text, facts) => facts.digits >= 4 && text.includes('.'),
    pattern: /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)/g,
    accept: (match, text) => isValidIpv4(match[0]) && !versionContext.test(text.slice(Math.max(0, match.index - 24), match.index)),
  },
];
