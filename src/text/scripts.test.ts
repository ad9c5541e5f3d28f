import { describe, expect, it } from 'vitest';
import { ARMENIAN, CHEROKEE, CYRILLIC, DIGIT, GREEK, LATIN, LISU, MARK, NON_WORD, OTHER_LETTER, charClass, isLetterClass } from './scripts.js';

const cls = (ch: string): number => charClass(ch.codePointAt(0) ?? 0);

describe('charClass', () => {
  it('tells the scripts with Latin lookalikes apart', () => {
    expect(cls('a')).toBe(LATIN);
    expect(cls('é')).toBe(LATIN);
    expect(cls('ɑ')).toBe(LATIN);
    expect(cls('а')).toBe(CYRILLIC);
    expect(cls('ο')).toBe(GREEK);
    expect(cls('օ')).toBe(ARMENIAN);
    expect(cls('Ꭺ')).toBe(CHEROKEE);
    expect(cls('ꭰ')).toBe(CHEROKEE);
    expect(cls('ꓮ')).toBe(LISU);
    expect(cls('中')).toBe(OTHER_LETTER);
    expect(cls('𝐀')).toBe(OTHER_LETTER);
  });

  it('classifies marks, digits and separators', () => {
    expect(cls('\u0301')).toBe(MARK);
    expect(cls('7')).toBe(DIGIT);
    expect(cls('٣')).toBe(DIGIT);
    for (const ch of [' ', '-', '.', '😀', '\u200b']) expect(cls(ch)).toBe(NON_WORD);
  });

  it('treats lone surrogates as separators', () => {
    expect(charClass(0xd800)).toBe(NON_WORD);
    expect(charClass(0xdfff)).toBe(NON_WORD);
  });

  it('answers the same on a second (cached) call', () => {
    expect(cls('ж')).toBe(CYRILLIC);
    expect(cls('ж')).toBe(CYRILLIC);
    expect(isLetterClass(cls('ж'))).toBe(true);
    expect(isLetterClass(MARK)).toBe(false);
  });
});
