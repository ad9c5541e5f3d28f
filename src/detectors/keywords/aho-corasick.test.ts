import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AhoCorasick } from './aho-corasick.js';

function unitsOf(s: string): Uint16Array {
  const u = new Uint16Array(s.length);
  for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
  return u;
}

function all(ac: AhoCorasick, text: string): [number, number][] {
  const hits: [number, number][] = [];
  ac.scan(unitsOf(text), text.length, (k, end) => {
    hits.push([k, end]);
  });
  return hits;
}

function naive(keys: string[], text: string): [number, number][] {
  const hits: [number, number][] = [];
  for (let end = 1; end <= text.length; end++) {
    keys.forEach((k, i) => {
      if (end >= k.length && text.slice(end - k.length, end) === k) hits.push([i, end]);
    });
  }
  return hits;
}

const sortHits = (h: [number, number][]) => [...h].sort((a, b) => a[1] - b[1] || a[0] - b[0]);

describe('AhoCorasick', () => {
  it('finds overlapping and nested keys (classic he/she/his/hers)', () => {
    const keys = ['he', 'she', 'his', 'hers'];
    const ac = new AhoCorasick(keys);
    expect(sortHits(all(ac, 'ushers'))).toEqual([
      [0, 4],
      [1, 4],
      [3, 6],
    ]);
  });

  it('handles astral characters as code-unit sequences', () => {
    const ac = new AhoCorasick(['😀x', 'x']);
    expect(sortHits(all(ac, 'a😀xb'))).toEqual([
      [0, 4],
      [1, 4],
    ]);
  });

  it('uses the binary search for states with many children', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `a${String.fromCharCode(0x41 + i)}`);
    const ac = new AhoCorasick(keys);
    expect(all(ac, 'aZ a[ aA')).toEqual([
      [25, 2],
      [26, 5],
      [0, 8],
    ]);
  });

  it('stops when the callback returns true', () => {
    const ac = new AhoCorasick(['a']);
    let n = 0;
    ac.scan(unitsOf('aaaa'), 4, () => ++n === 2);
    expect(n).toBe(2);
  });

  it('rejects empty keys', () => {
    expect(() => new AhoCorasick([''])).toThrow(TypeError);
  });

  it('agrees with a naive matcher on random keys and texts', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: fc.constantFrom('a', 'b', 'c', '\ud83d', '\ude00'), minLength: 1, maxLength: 5 }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', '\ud83d', '\ude00', 'd'), maxLength: 60 }),
        (keys, text) => {
          const ac = new AhoCorasick(keys);
          expect(sortHits(all(ac, text))).toEqual(sortHits(naive(keys, text)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('scans a 1 MB text against 10k keys in one pass', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `term${i.toString(36)}x`);
    const ac = new AhoCorasick(keys);
    const text = 'lorem ipsum term1x dolor '.repeat(40_000);
    let n = 0;
    ac.scan(unitsOf(text), text.length, () => {
      n++;
    });
    expect(n).toBe(40_000);
  });
});
