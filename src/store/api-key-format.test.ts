// Tests of the key format: randomness, shape, parsing of hostile strings, display prefix.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayPrefix, generateKey, hashKey, KEY_LENGTH, parseKeyId, randomBase62 } from './api-key-format.js';

const SHAPE = /^bwk_[0-9A-Za-z]{16}_[0-9A-Za-z]{43}$/;

describe('generateKey', () => {
  it('makes bwk_<id>_<secret> keys of 64 base62 characters whose hash and prefix match', () => {
    const k = generateKey();
    expect(k.key).toMatch(SHAPE);
    expect(k.key).toHaveLength(KEY_LENGTH);
    expect(k.key.startsWith(`bwk_${k.id}_`)).toBe(true);
    expect(k.hash).toBe(hashKey(k.key).toString('hex'));
    expect(k.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(k.prefix).toBe(`${k.key.slice(0, 25)}…`);
    expect(k.prefix).not.toContain(k.key.slice(25));
  });

  it('never repeats an id or a secret', () => {
    const keys = Array.from({ length: 2000 }, () => generateKey());
    expect(new Set(keys.map((k) => k.id)).size).toBe(keys.length);
    expect(new Set(keys.map((k) => k.key.slice(21))).size).toBe(keys.length);
  });

  it('uses all 62 characters about equally often (no modulo bias towards the first ones)', () => {
    const text = randomBase62(62 * 2000);
    const counts = new Map<string, number>();
    for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // Expected 2000 each; a biased mapping of 256 byte values onto 62 would give the first 8 about 2,400.
    for (const n of counts.values()) expect(n).toBeGreaterThan(1700);
    for (const n of counts.values()) expect(n).toBeLessThan(2300);
  });
});

describe('parseKeyId', () => {
  it('returns the id of a well-formed key', () => {
    const k = generateKey();
    expect(parseKeyId(k.key)).toBe(k.id);
  });

  it.each([
    ['empty', ''],
    ['scheme only', 'bwk_'],
    ['one character short', generateKey().key.slice(0, -1)],
    ['one character long', `${generateKey().key}a`],
    ['other scheme', `sk-_${generateKey().key.slice(4)}`],
    ['uppercase scheme', `BWK_${generateKey().key.slice(4)}`],
    ['missing separator', generateKey().key.replace(/^(bwk_.{16})_/, '$1x')],
    ['base64url character in the secret', `${generateKey().key.slice(0, -1)}-`],
    ['underscore in the id', `bwk_${'a'.repeat(15)}__${'b'.repeat(43)}`],
    ['non-ASCII look-alike', `${generateKey().key.slice(0, -1)}а`],
    ['lone surrogate', `${generateKey().key.slice(0, -1)}\ud800`],
    ['NUL byte', `${generateKey().key.slice(0, -1)}\u0000`],
    ['1 MB string', 'bwk_'.padEnd(1 << 20, 'a')],
  ])('rejects %s', (_what, text) => {
    expect(parseKeyId(text)).toBeUndefined();
  });

  it('accepts exactly the strings of the documented shape (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        expect(parseKeyId(s) !== undefined).toBe(SHAPE.test(s));
      }),
    );
    const alnum = fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-'.split(''));
    fc.assert(
      fc.property(fc.array(alnum, { minLength: 60, maxLength: 60 }), (chars) => {
        const s = `bwk_${chars.join('')}`;
        expect(parseKeyId(s) !== undefined).toBe(SHAPE.test(s));
      }),
    );
  });
});

describe('displayPrefix', () => {
  it('shows the id and four secret characters', () => {
    expect(displayPrefix(`bwk_${'A'.repeat(16)}_abcdefgh${'z'.repeat(35)}`)).toBe(`bwk_${'A'.repeat(16)}_abcd…`);
  });
});
