// splitIntoDeltas: pieces that join back to the text, a few words each, bounded, never splitting a surrogate pair.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitIntoDeltas } from './deltas.js';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('splitIntoDeltas', () => {
  it('cuts after every third word, keeping whitespace with the word before it', () => {
    expect(splitIntoDeltas('one two three four five six seven')).toEqual(['one two three ', 'four five six ', 'seven']);
    expect(splitIntoDeltas('  lead  and\ttabs\nnew line ')).toEqual(['  lead  and\ttabs\n', 'new line ']);
    expect(splitIntoDeltas('')).toEqual([]);
    expect(splitIntoDeltas('   ')).toEqual(['   ']);
  });

  it('caps a piece at maxChars without splitting surrogate pairs', () => {
    const emoji = '😀'.repeat(10);
    const pieces = splitIntoDeltas(emoji, 3, 3);
    expect(pieces.join('')).toBe(emoji);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(3);
      expect(LONE_SURROGATE.test(p)).toBe(false);
    }
    expect(splitIntoDeltas('x'.repeat(10_000)).map((p) => p.length)).toEqual([4096, 4096, 1808]);
  });

  it('joins back to the input for any text and settings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 2, max: 50 }), (text, words, max) => {
        const pieces = splitIntoDeltas(text, words, max);
        expect(pieces.join('')).toBe(text);
        for (const p of pieces) {
          expect(p.length).toBeGreaterThan(0);
          expect(p.length).toBeLessThanOrEqual(max);
        }
      }),
    );
  });

  it('splits 1 MB quickly', () => {
    expect(splitIntoDeltas('word '.repeat(200_000)).length).toBe(66_667);
  });
});
