/**
 * Check digits and structural rules that turn "looks like a number" into "is one". Detectors
 * run these after the regex match: they are what keeps order numbers, dates and versions out.
 */

/** True when the digits pass the Luhn (mod 10) check used by every payment card. */
export function isLuhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index--) {
    let digit = digits.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return false;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * Issuer prefixes (IIN ranges) of the card networks in use. A 16-digit number starting with
 * 1, 7, 8, 9 or 0 is not a card, whatever its check digit says; this rejects most order and
 * account numbers that pass Luhn by chance (one in ten).
 */
export function hasCardIssuerPrefix(digits: string): boolean {
  const length = digits.length;
  const two = Number(digits.slice(0, 2));
  const three = Number(digits.slice(0, 3));
  const four = Number(digits.slice(0, 4));
  const six = Number(digits.slice(0, 6));
  // Visa: 13-digit cards are no longer issued, and 13 digits are what epoch-millisecond timestamps look like.
  if (digits[0] === '4') return length === 16 || length === 19;
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return length === 16; // Mastercard
  if (two === 34 || two === 37) return length === 15; // American Express
  if (four === 6011 || two === 65 || (three >= 644 && three <= 649) || (six >= 622126 && six <= 622925)) {
    return length >= 16 && length <= 19; // Discover
  }
  if (four >= 3528 && four <= 3589) return length >= 16 && length <= 19; // JCB
  if ((three >= 300 && three <= 305) || two === 36 || two === 38 || two === 39) return length >= 14 && length <= 19; // Diners
  if (two === 62) return length >= 16 && length <= 19; // UnionPay
  if (two === 50 || (two >= 56 && two <= 69)) return length >= 12 && length <= 19; // Maestro
  return false;
}

/** IBAN length by country (ISO 13616 registry, the common members). */
const ibanLengths: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, CH: 21, CR: 22, CY: 28, CZ: 24,
  DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27,
  GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LI: 21, LT: 20, LU: 20,
  LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25,
  QA: 29, RO: 24, RS: 22, SA: 24, SE: 24, SI: 19, SK: 24, SM: 27, TN: 24, TR: 26, UA: 29, VG: 24, XK: 20,
};

/** True for an IBAN (spaces removed, upper case) of a known country's length whose mod-97 check is 1. */
export function isIbanValid(iban: string): boolean {
  const expected = ibanLengths[iban.slice(0, 2)];
  if (expected === undefined || iban.length !== expected) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const character of rearranged) {
    const code = character.charCodeAt(0);
    // Letters count as two digits (A = 10 ... Z = 35); fold digit by digit to stay within safe integers.
    const value = code >= 65 && code <= 90 ? code - 55 : code - 48;
    if (value < 0 || value > 35) return false;
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

/**
 * The SSA's rules for an issued Social Security number: area 000, 666 and 900-999, group 00
 * and serial 0000 are never issued.
 */
export function isValidSsn(area: string, group: string, serial: string): boolean {
  const areaNumber = Number(area);
  return areaNumber !== 0 && areaNumber !== 666 && areaNumber < 900 && group !== '00' && serial !== '0000';
}

/** True for four dotted decimal octets 0-255 without leading zeros. */
export function isValidIpv4(text: string): boolean {
  const octets = text.split('.');
  return (
    octets.length === 4 &&
    octets.every((octet) => /^(?:0|[1-9]\d{0,2})$/.test(octet) && Number(octet) <= 255)
  );
}

/** True for an IPv6 address in full, compressed (`::`) or IPv4-suffixed form. */
export function isValidIpv6(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string): string[] | undefined => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (head === undefined || tail === undefined) return false;
  const all = [...head, ...tail];
  let width = all.length;
  const last = all.at(-1);
  if (last !== undefined && last.includes('.')) {
    if (!isValidIpv4(last)) return false;
    all.pop();
    width += 1; // an IPv4 suffix fills two groups
  }
  if (!all.every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group))) return false;
  return halves.length === 2 ? width <= 7 : width === 8;
}
