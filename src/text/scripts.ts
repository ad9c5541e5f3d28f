// Cheap per-code-point classification into the scripts that homoglyph folding cares about (cached, no regex per call).

/** Letter scripts relevant to Latin lookalikes; everything else that is a letter is OTHER. */
export const LATIN = 1;
export const CYRILLIC = 2;
export const GREEK = 3;
export const ARMENIAN = 4;
export const CHEROKEE = 5;
export const LISU = 6;
export const OTHER_LETTER = 7;
/** Combining mark: part of the word it sits in, of no script of its own. */
export const MARK = 8;
/** Number: part of a word (as in "1gn0r3"), of no script. */
export const DIGIT = 9;
/** Anything that separates words. */
export const NON_WORD = 10;

export type CharClass = number;

const LETTER = /^\p{L}$/u;
const MARK_RE = /^\p{M}$/u;
const NUMBER = /^\p{N}$/u;

function scriptOfLetter(cp: number): CharClass {
  if (cp < 0x250) return LATIN; // ASCII letters, Latin-1 and Latin Extended-A/B
  if (cp < 0x370) return cp < 0x2b0 ? LATIN : OTHER_LETTER; // IPA extensions are Latin; modifier letters are not
  if (cp < 0x400) return GREEK;
  if (cp < 0x530) return CYRILLIC;
  if (cp < 0x590) return ARMENIAN;
  if (cp >= 0x13a0 && cp <= 0x13ff) return CHEROKEE;
  if (cp >= 0x1c80 && cp <= 0x1c8f) return CYRILLIC;
  if (cp >= 0x1d00 && cp <= 0x1dbf) return LATIN; // phonetic extensions
  if (cp >= 0x1e00 && cp <= 0x1eff) return LATIN;
  if (cp >= 0x1f00 && cp <= 0x1fff) return GREEK;
  if (cp >= 0x2c60 && cp <= 0x2c7f) return LATIN;
  if (cp >= 0x2de0 && cp <= 0x2dff) return CYRILLIC;
  if (cp >= 0xa4d0 && cp <= 0xa4ff) return LISU;
  if (cp >= 0xa640 && cp <= 0xa69f) return CYRILLIC;
  if (cp >= 0xa720 && cp <= 0xa7ff) return LATIN;
  if (cp >= 0xab30 && cp <= 0xab6f) return LATIN;
  if (cp >= 0xab70 && cp <= 0xabbf) return CHEROKEE;
  if (cp >= 0xfb13 && cp <= 0xfb17) return ARMENIAN;
  if ((cp >= 0xff21 && cp <= 0xff3a) || (cp >= 0xff41 && cp <= 0xff5a)) return LATIN;
  return OTHER_LETTER;
}

function computeClass(cp: number): CharClass {
  const ch = String.fromCodePoint(cp);
  if (LETTER.test(ch)) return scriptOfLetter(cp);
  if (MARK_RE.test(ch)) return MARK;
  if (NUMBER.test(ch)) return DIGIT;
  return NON_WORD;
}

// Filled lazily: 0 = not computed yet. The BMP table costs 64 KB; astral code points go through a small map.
const bmpCache = new Uint8Array(0x10000);
const astralCache = new Map<number, CharClass>();
const MAX_ASTRAL_CACHE = 4096;

for (let cp = 0; cp < 0x80; cp++) {
  const isLetter = (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
  bmpCache[cp] = isLetter ? LATIN : cp >= 0x30 && cp <= 0x39 ? DIGIT : NON_WORD;
}

/** Class of a code point; lone surrogates are NON_WORD. */
export function charClass(cp: number): CharClass {
  if (cp < 0x10000) {
    const cached = bmpCache[cp] ?? 0;
    if (cached !== 0) return cached;
    const computed = cp >= 0xd800 && cp <= 0xdfff ? NON_WORD : computeClass(cp);
    bmpCache[cp] = computed;
    return computed;
  }
  const cached = astralCache.get(cp);
  if (cached !== undefined) return cached;
  const computed = computeClass(cp);
  if (astralCache.size < MAX_ASTRAL_CACHE) astralCache.set(cp, computed);
  return computed;
}

/** True for the letter classes (LATIN..OTHER_LETTER). */
export function isLetterClass(c: CharClass): boolean {
  return c >= LATIN && c <= OTHER_LETTER;
}
