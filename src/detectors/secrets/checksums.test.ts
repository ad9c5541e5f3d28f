// Checksum helpers against published check values (CRC-32 "123456789", BIP-173 Bech32 vectors).
import { describe, expect, it } from 'vitest';
import { base62, crc32, hasBase62Crc32, isValidBech32 } from './checksums.js';

describe('crc32 and base62', () => {
  it('matches the standard CRC-32 check value', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
  });

  it('encodes in 0-9A-Za-z, left-padded', () => {
    expect(base62(0, 6)).toBe('000000');
    expect(base62(61, 2)).toBe('0z');
    expect(base62(62, 1)).toBe('10');
    expect(base62(0xffffffff, 6)).toBe('4gfFC3');
  });

  it('accepts a body whose last 6 characters are the CRC32 of the rest, and rejects any change', () => {
    const payload = 'Zq8Lr2Vw5Tn1Kx7Pd3Hs9Gc4Bm6Jf0';
    const body = payload + base62(crc32(payload), 6);
    expect(hasBase62Crc32(body)).toBe(true);
    expect(hasBase62Crc32('Y' + body.slice(1))).toBe(false);
    expect(hasBase62Crc32(body.slice(0, -1) + (body.endsWith('0') ? '1' : '0'))).toBe(false);
    expect(hasBase62Crc32('short')).toBe(false);
  });
});

describe('isValidBech32', () => {
  it('accepts the BIP-173 valid vectors in either case', () => {
    for (const s of ['A12UEL5L', 'a12uel5l', 'abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw', '?1ezyfcl']) {
      expect(isValidBech32(s), s).toBe(true);
    }
  });

  it('rejects changed characters, empty HRPs and characters outside the alphabet', () => {
    for (const s of ['A12UEL5M', 'a12uel5', '1qzzfhee', 'abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxb', 'x1b4n0q5v']) {
      expect(isValidBech32(s), s).toBe(false);
    }
  });
});
