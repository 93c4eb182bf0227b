import { describe, expect, it } from 'vitest';
import { hasCardIssuerPrefix, isIbanValid, isLuhnValid, isValidIpv4, isValidIpv6, isValidSsn } from './pii-checksums';

describe('pii checksums', () => {
  it('accepts Luhn-valid card numbers and rejects a changed digit', () => {
    expect(isLuhnValid('4111111111111111')).toBe(true);
    expect(isLuhnValid('378282246310005')).toBe(true);
    expect(isLuhnValid('4111111111111112')).toBe(false);
    expect(isLuhnValid('')).toBe(false);
  });

  it('knows the issuer prefixes and lengths of the card networks', () => {
    expect(hasCardIssuerPrefix('4111111111111111')).toBe(true);
    expect(hasCardIssuerPrefix('2223000048400011')).toBe(true);
    expect(hasCardIssuerPrefix('341111111111111')).toBe(true);
    expect(hasCardIssuerPrefix('3411111111111111')).toBe(false); // Amex is 15 digits
    expect(hasCardIssuerPrefix('9000000000000009')).toBe(false);
    expect(hasCardIssuerPrefix('1700000000000')).toBe(false);
  });

  it('checks IBANs by country length and mod 97', () => {
    expect(isIbanValid('GB82WEST12345698765432')).toBe(true);
    expect(isIbanValid('FR1420041010050500013M02606')).toBe(true);
    expect(isIbanValid('GB82WEST12345698765433')).toBe(false);
    expect(isIbanValid('GB82WEST1234569876543')).toBe(false); // one short
    expect(isIbanValid('ZZ82WEST12345698765432')).toBe(false); // no such country
  });

  it('rejects SSNs the SSA never issues', () => {
    expect(isValidSsn('536', '22', '1234')).toBe(true);
    for (const [area, group, serial] of [['000', '12', '3456'], ['666', '12', '3456'], ['900', '12', '3456'], ['123', '00', '4567'], ['123', '45', '0000']]) {
      expect(isValidSsn(area!, group!, serial!)).toBe(false);
    }
  });

  it('parses IPv4 and IPv6 address grammar', () => {
    expect(isValidIpv4('192.168.0.1')).toBe(true);
    expect(isValidIpv4('256.1.1.1')).toBe(false);
    expect(isValidIpv4('01.2.3.4')).toBe(false);
    expect(isValidIpv6('2001:db8::1')).toBe(true);
    expect(isValidIpv6('::ffff:192.0.2.1')).toBe(true);
    expect(isValidIpv6('2001:db8:0:0:0:0:0:1')).toBe(true);
    expect(isValidIpv6('12:30:45')).toBe(false);
    expect(isValidIpv6('1::2::3')).toBe(false);
    expect(isValidIpv6('00:1a:2b:3c:4d:5e')).toBe(false);
  });
});
