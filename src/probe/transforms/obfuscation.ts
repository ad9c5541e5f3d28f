// Character-level obfuscations: the request stays readable to a model but not to naive string matching
// (leetspeak digits, Cyrillic/Greek look-alike letters, invisible zero-width characters, random letter case).
import type { Rng } from '../types.js';
import { pick, textTransform } from './rewrite.js';

const LEET: Readonly<Record<string, readonly string[]>> = {
  a: ['4', '@'],
  b: ['8'],
  e: ['3'],
  g: ['9'],
  i: ['1', '!'],
  l: ['1'],
  o: ['0'],
  s: ['5', '$'],
  t: ['7'],
  z: ['2'],
};

/** Each substitutable letter becomes a digit or symbol with probability 0.7. */
export function leetspeak(text: string, rng: Rng): string {
  let out = '';
  for (const ch of text) {
    const subs = LEET[ch.toLowerCase()];
    out += subs && rng.next() < 0.7 ? pick(subs, rng) : ch;
  }
  return out;
}

/** Latin letters and look-alikes from the Cyrillic and Greek blocks. */
export const HOMOGLYPHS: Readonly<Record<string, readonly string[]>> = {
  a: ['\u0430'],
  c: ['\u0441', '\u03f2'],
  e: ['\u0435'],
  i: ['\u0456'],
  j: ['\u0458'],
  o: ['\u043e', '\u03bf'],
  p: ['\u0440', '\u03c1'],
  s: ['\u0455'],
  x: ['\u0445', '\u03c7'],
  y: ['\u0443'],
  A: ['\u0410', '\u0391'],
  B: ['\u0412', '\u0392'],
  C: ['\u0421'],
  E: ['\u0415', '\u0395'],
  H: ['\u041d', '\u0397'],
  I: ['\u0406', '\u0399'],
  K: ['\u041a', '\u039a'],
  M: ['\u041c', '\u039c'],
  N: ['\u039d'],
  O: ['\u041e', '\u039f'],
  P: ['\u0420', '\u03a1'],
  T: ['\u0422', '\u03a4'],
  X: ['\u0425', '\u03a7'],
  Y: ['\u03a5'],
  Z: ['\u0396'],
};

/** Each letter with a look-alike is swapped with probability 0.5. */
export function homoglyphs(text: string, rng: Rng): string {
  let out = '';
  for (const ch of text) {
    const subs = HOMOGLYPHS[ch];
    out += subs && rng.next() < 0.5 ? pick(subs, rng) : ch;
  }
  return out;
}

/** ZERO WIDTH SPACE, NON-JOINER, JOINER and WORD JOINER. */
export const ZERO_WIDTH_CHARS = ['\u200b', '\u200c', '\u200d', '\u2060'] as const;
const ZERO_WIDTH_RE = /[\u200b\u200c\u200d\u2060]/g;

export function stripZeroWidth(text: string): string {
  return text.replace(ZERO_WIDTH_RE, '');
}

/** After each code point (never inside a surrogate pair) an invisible character follows with probability 0.35. */
export function insertZeroWidth(text: string, rng: Rng): string {
  let out = '';
  for (const ch of text) {
    out += ch;
    if (rng.next() < 0.35) out += pick(ZERO_WIDTH_CHARS, rng);
  }
  return out;
}

/** Each ASCII letter is upper- or lower-cased at random. */
export function caseNoise(text: string, rng: Rng): string {
  return text.replace(/[a-z]/gi, (ch) => (rng.next() < 0.5 ? ch.toUpperCase() : ch.toLowerCase()));
}

export const leetspeakTransform = textTransform('leetspeak', leetspeak);
export const homoglyphsTransform = textTransform('homoglyphs', homoglyphs);
export const zeroWidthTransform = textTransform('zero-width', insertZeroWidth);
export const caseNoiseTransform = textTransform('case-noise', caseNoise);
