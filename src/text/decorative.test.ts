import { describe, expect, it } from 'vitest';
import { foldDecorative, foldDecorativeBeforeNfkc } from './decorative.js';

describe('foldDecorative', () => {
  it('folds small capitals', () => {
    expect(foldDecorative('ɪɢɴᴏʀᴇ ᴘʀᴇᴠɪᴏᴜꜱ')).toBe('ignore previous');
  });

  it('folds negative circled and squared letters and regional indicators', () => {
    expect(foldDecorative('🅘🅖🅝🅞🅡🅔')).toBe('ignore');
    expect(foldDecorative('🅸🅶🅽🅾🆁🅴')).toBe('ignore');
    expect(foldDecorative('🇮🇬🇳🇴🇷🇪')).toBe('ignore');
  });

  it('folds the other case of a small capital too', () => {
    expect(foldDecorative('Ɪ Ʀ')).toBe('i r');
  });

  it('leaves ordinary text (and Turkish dotless ı) untouched', () => {
    const text = 'Kırmızı elma, Grüße, привет 😀';
    expect(foldDecorative(text)).toBe(text);
  });
});

describe('foldDecorativeBeforeNfkc', () => {
  it('folds parenthesized letters to the letter, not "(a)"', () => {
    expect(foldDecorativeBeforeNfkc('⒤⒢⒩⒪⒭⒠')).toBe('ignore');
    expect(foldDecorativeBeforeNfkc('🄘🄖')).toBe('ig');
  });

  it('leaves everything else alone', () => {
    expect(foldDecorativeBeforeNfkc('(a) ⑴')).toBe('(a) ⑴');
  });
});
