import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStopWord, stem, tokenize } from './lexicon.js';

describe('lexicon', () => {
  it('tokenises words with offsets, lower case, unified apostrophes and no possessive', () => {
    const text = "Don’t sue O'Brien's Company — naïve café 日本語, 1,000!";
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.word)).toEqual(["don't", 'sue', "o'brien", 'company', 'naïve', 'café', '日本語', '1', '000']);
    for (const t of tokens) expect(text.slice(t.start, t.end).toLowerCase().replace('’', "'").startsWith(t.word)).toBe(true);
  });

  it('keeps offsets when lower-casing changes the length', () => {
    const text = 'İstanbul Lawyer';
    const [, lawyer] = tokenize(text);
    expect(lawyer).toEqual({ word: 'lawyer', start: 9, end: 15 });
  });

  it('gives one stem to the forms of a word', () => {
    const same = (...words: string[]) => expect(new Set(words.map(stem)).size, words.join()).toBe(1);
    same('invest', 'investing', 'invested', 'investment', 'investments', 'invests');
    same('lawyer', 'lawyers');
    same('policy', 'policies');
    same('vote', 'votes', 'voting', 'voted');
    same('run', 'running', 'runs');
    same('box', 'boxes');
    same('abogado', 'abogados');
    expect(stem('analysis')).toBe('analysis');
    expect(stem('日本語')).toBe('日本語');
    expect(stem('is')).toBe('is');
  });

  it('knows stop words of four languages', () => {
    for (const w of ['the', 'und', 'les', 'los', 'not']) expect(isStopWord(w)).toBe(true);
    for (const w of ['lawyer', 'constructor', '__proto__']) expect(isStopWord(w)).toBe(false);
  });

  it('never throws and returns in-bounds tokens (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'B', 'İ', 'ß', "'", '’', ' ', '1', '\ud800', 'é', '\u0301', '語') }), (text) => {
        for (const t of tokenize(text)) {
          expect(t.start).toBeGreaterThanOrEqual(0);
          expect(t.end).toBeLessThanOrEqual(text.length);
          expect(() => stem(t.word)).not.toThrow();
        }
      }),
      { numRuns: 500 },
    );
  });
});
