// Value statistics used to tell secrets from words, hashes and ids.
import { describe, expect, it } from 'vitest';
import { charClasses, isCssColour, isHexDigest, isUuid, longestRun, looksLikeWords, shannonEntropy } from './entropy.js';

describe('entropy helpers', () => {
  it('computes Shannon entropy in bits per character', () => {
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
    expect(shannonEntropy('aabb')).toBe(1);
  });

  it('counts character classes', () => {
    expect(charClasses('abc')).toMatchObject({ lower: true, upper: false, digit: false, symbol: false, count: 1 });
    expect(charClasses('aB3_').count).toBe(4);
    expect(charClasses('').count).toBe(0);
  });

  it('recognises digests, UUIDs and CSS colours', () => {
    expect(isHexDigest('d41d8cd98f00b204e9800998ecf8427e')).toBe(true);
    expect(isHexDigest('d41d8cd98f00b204e9800998ecf8427')).toBe(false);
    expect(isHexDigest('g41d8cd98f00b204e9800998ecf8427e')).toBe(false);
    expect(isUuid('123e4567-e89b-42d3-a456-426614174000')).toBe(true);
    expect(isUuid('123e4567e89b42d3a456426614174000')).toBe(false);
    expect(isCssColour('#ff00aa')).toBe(true);
    expect(isCssColour('#ff00a')).toBe(false);
  });

  it('tells words from random letters by their casing', () => {
    for (const w of ['my-super-secret-value', 'ThisIsNotAKey', 'NONE', 'confirm_password', 'incorrect']) expect(looksLikeWords(w), w).toBe(true);
    for (const w of ['cjdPaiFDUnVzUmEyekdiZFNtUiVZ', 'abc123', 'hunter2', 'p@ss']) expect(looksLikeWords(w), w).toBe(false);
  });

  it('measures the longest run of one character', () => {
    expect(longestRun('')).toBe(0);
    expect(longestRun('abxxxxc')).toBe(4);
  });
});
