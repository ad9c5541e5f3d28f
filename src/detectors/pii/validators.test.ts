import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cardBrand,
  ibanValid,
  IBAN_LENGTHS,
  isBirthYear,
  isCardNumber,
  isRealDate,
  luhnValid,
  parseIpv4,
  parseIpv6,
  ssnValid,
} from './validators.js';

describe('luhnValid', () => {
  it.each([
    '4111111111111111', // Visa test number
    '4242424242424242', // Stripe Visa
    '5555555555554444', // Mastercard
    '2223003122003222', // Mastercard 2-series
    '378282246310005', // Amex
    '6011111111111117', // Discover
    '3530111333300000', // JCB
    '30569309025904', // Diners
    '79927398713', // the classic Luhn example
  ])('accepts %s', (n) => expect(luhnValid(n)).toBe(true));

  it.each(['4111111111111112', '79927398710', '1234567812345678'])('rejects %s', (n) => expect(luhnValid(n)).toBe(false));

  it('rejects non-digits and too-short input', () => {
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('0')).toBe(false);
    expect(luhnValid('4111-1111-1111-1111')).toBe(false);
  });

  it('changing any one digit breaks the check', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
        const digits = '4111111111111111'.split('').map(Number);
        digits[pos] = ((digits[pos] ?? 0) + delta) % 10;
        return !luhnValid(digits.join(''));
      }),
    );
  });
});

describe('cardBrand / isCardNumber', () => {
  it('names the network from the IIN range and length', () => {
    expect(cardBrand('4111111111111111')).toBe('visa');
    expect(cardBrand('5555555555554444')).toBe('mastercard');
    expect(cardBrand('2223003122003222')).toBe('mastercard');
    expect(cardBrand('378282246310005')).toBe('amex');
    expect(cardBrand('6011111111111117')).toBe('discover');
    expect(cardBrand('3530111333300000')).toBe('jcb');
    expect(cardBrand('30569309025904')).toBe('diners');
    expect(cardBrand('6200000000000005')).toBe('unionpay');
    expect(cardBrand('2200000000000004')).toBe('mir');
  });

  it('refuses unknown prefixes and wrong lengths even when Luhn passes', () => {
    expect(luhnValid('1234567812345670')).toBe(true);
    expect(isCardNumber('1234567812345670')).toBe(false); // no network starts with 12
    expect(isCardNumber('37828224631000')).toBe(false); // Amex is 15 digits
    expect(isCardNumber('4111111111111111')).toBe(true);
  });
});

describe('ibanValid', () => {
  it.each([
    'GB82WEST12345698765432',
    'DE89370400440532013000',
    'FR1420041010050500013M02606',
    'NL91ABNA0417164300',
    'CH9300762011623852957',
    'BE68539007547034',
    'ES9121000418450200051332',
    'IT60X0542811101000000123456',
    'NO9386011117947',
    'AT611904300234573201',
  ])('accepts the published example %s', (iban) => expect(ibanValid(iban)).toBe(true));

  it('rejects a wrong check digit, a wrong length, an unknown country and lower case', () => {
    expect(ibanValid('GB83WEST12345698765432')).toBe(false);
    expect(ibanValid('GB82WEST1234569876543')).toBe(false);
    expect(ibanValid('ZZ82WEST12345698765432')).toBe(false);
    expect(ibanValid('gb82west12345698765432')).toBe(false);
    expect(ibanValid('')).toBe(false);
  });

  it('knows the length of every listed country, all between 15 and 34', () => {
    for (const [country, length] of Object.entries(IBAN_LENGTHS)) {
      expect(country).toMatch(/^[A-Z]{2}$/);
      expect(length).toBeGreaterThanOrEqual(15);
      expect(length).toBeLessThanOrEqual(34);
    }
  });

  it('detects any single-character change of a valid IBAN', () => {
    const valid = 'DE89370400440532013000';
    fc.assert(
      fc.property(fc.integer({ min: 4, max: valid.length - 1 }), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
        const c = Number(valid[pos]);
        const changed = valid.slice(0, pos) + String((c + delta) % 10) + valid.slice(pos + 1);
        return !ibanValid(changed);
      }),
    );
  });
});

describe('ssnValid', () => {
  it('applies the SSA rules', () => {
    expect(ssnValid('536', '90', '4399')).toBe(true);
    expect(ssnValid('000', '12', '3456')).toBe(false);
    expect(ssnValid('666', '12', '3456')).toBe(false);
    expect(ssnValid('900', '12', '3456')).toBe(false);
    expect(ssnValid('999', '12', '3456')).toBe(false);
    expect(ssnValid('123', '00', '4567')).toBe(false);
    expect(ssnValid('123', '45', '0000')).toBe(false);
    expect(ssnValid('078', '05', '1120')).toBe(false); // the Woolworth wallet card
  });
});

describe('parseIpv4 / parseIpv6', () => {
  it('parses dotted quads within range, without leading zeros', () => {
    expect(parseIpv4('192.168.1.20')).toEqual([192, 168, 1, 20]);
    expect(parseIpv4('0.0.0.0')).toEqual([0, 0, 0, 0]);
    expect(parseIpv4('256.1.1.1')).toBeUndefined();
    expect(parseIpv4('01.2.3.4')).toBeUndefined();
    expect(parseIpv4('1.2.3')).toBeUndefined();
    expect(parseIpv4('1.2.3.4.5')).toBeUndefined();
  });

  it('parses full, compressed and IPv4-suffixed IPv6', () => {
    expect(parseIpv6('2001:0db8:0000:0000:0000:ff00:0042:8329')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0xff00, 0x42, 0x8329]);
    expect(parseIpv6('2001:db8::ff00:42:8329')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0xff00, 0x42, 0x8329]);
    expect(parseIpv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIpv6('::ffff:192.0.2.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201]);
    expect(parseIpv6('fe80::1ff:fe23:4567:890a')).toEqual([0xfe80, 0, 0, 0, 0x1ff, 0xfe23, 0x4567, 0x890a]);
  });

  it('refuses times, MAC addresses and double compression', () => {
    expect(parseIpv6('12:30:45')).toBeUndefined();
    expect(parseIpv6('00:1A:2B:3C:4D:5E')).toBeUndefined();
    expect(parseIpv6('1::2::3')).toBeUndefined();
    expect(parseIpv6('1:2:3:4:5:6:7:8:9')).toBeUndefined();
    expect(parseIpv6('12345::1')).toBeUndefined();
  });
});

describe('dates', () => {
  it('checks the calendar, leap years included', () => {
    expect(isRealDate(2024, 2, 29)).toBe(true);
    expect(isRealDate(2023, 2, 29)).toBe(false);
    expect(isRealDate(1900, 2, 29)).toBe(false);
    expect(isRealDate(2000, 2, 29)).toBe(true);
    expect(isRealDate(1990, 13, 1)).toBe(false);
    expect(isRealDate(1990, 4, 31)).toBe(false);
  });

  it('accepts birth years from 1900 to now', () => {
    const now = new Date(Date.UTC(2025, 5, 1));
    expect(isBirthYear(1899, now)).toBe(false);
    expect(isBirthYear(1900, now)).toBe(true);
    expect(isBirthYear(2025, now)).toBe(true);
    expect(isBirthYear(2026, now)).toBe(false);
  });
});
