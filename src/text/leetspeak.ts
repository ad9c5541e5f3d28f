// Leetspeak reading: "1gn0r3 pr3v10u5 1n57ruc710n5" -> "ignore previous instructions", leaving "mp3" and "in 2024" alone.
import { charClass, isLetterClass } from './scripts.js';
import { COMMON_WORDS } from './word-list.js';

/** Leet character -> letter. '1', '|' and '!' are ambiguous between i and l; see `AMBIGUOUS`. */
const LEET: ReadonlyMap<string, string> = new Map([
  ['0', 'o'], ['1', 'i'], ['3', 'e'], ['4', 'a'], ['5', 's'], ['7', 't'], ['8', 'b'], ['9', 'g'],
  ['@', 'a'], ['$', 's'], ['!', 'i'], ['|', 'l'], ['+', 't'], ['€', 'e'], ['¡', 'i'],
]);
const AMBIGUOUS: ReadonlyMap<string, string> = new Map([['1', 'l'], ['|', 'i'], ['!', 'l']]);

/**
 * Quick test for the shape every leet token has: letter-leet-letter or leet-letter-leet ("h3l", "1gn0").
 * Linear: a failed attempt at one start scans one run of leet characters or letters, which no other start rescans
 * from a letter (resp. leet character) of the same kind.
 */
const MAYBE_LEET = /[a-z][0134579@$!|+€¡]+[a-z]|[0134579@$!|+€¡][a-z]+[0134579@$!|+€¡]/;
const LEADING_PUNCTUATION = `"'([{<*_`;
const TRAILING_PUNCTUATION = `"'.,;:?!)]}>*_`;

/** Any leet character: tested before the pattern below, which costs more per character. */
const ANY_LEET = /[0134579@$!|+€¡]/;
const LEET_CHAR_GLOBAL = /[0134579@$!|+€¡]/g;

const LETTER = 1;
const LEET_CHAR = 2;
const NEUTRAL = 3;
const OTHER = 4;

/** Class of each ASCII code unit (lower case only: the text is normalised). */
const ASCII_CLASS = new Uint8Array(128).fill(OTHER);
for (let c = 0x61; c <= 0x7a; c++) ASCII_CLASS[c] = LETTER;
for (const ch of LEET.keys()) if (ch.charCodeAt(0) < 128) ASCII_CLASS[ch.charCodeAt(0)] = LEET_CHAR;
ASCII_CLASS[0x27] = NEUTRAL; // '
ASCII_CLASS[0x2d] = NEUTRAL; // -

function classify(code: number, cp: number): number {
  if (code < 128) return ASCII_CLASS[code] ?? OTHER;
  if (code === 0x20ac || code === 0xa1) return LEET_CHAR; // € ¡
  return isLetterClass(charClass(cp)) ? LETTER : OTHER;
}

/**
 * The letters a token spells when it is leetspeak, else undefined. A strong leet token mixes letters and leet
 * characters in both orders (letter-digit-letter or digit-letter-digit): "h3llo", "1gn0r3". A weak one is
 * letters then leet characters or the reverse ("th3", "4ll", "mp3", "win10", "4k"): read only when the text
 * is leetspeak anyway (`strong` false). Tokens with other characters ("v1.2", "2nd", "0x1f") are left alone.
 */
export function readLeetToken(core: string, strong = true): { word: string; leetChars: number } | undefined {
  if (core.length < 2 || core.startsWith('0x')) return undefined;
  let switches = 0;
  let previous = 0;
  let leetChars = 0;
  let letters = 0;
  for (let i = 0; i < core.length; i++) {
    const code = core.charCodeAt(i);
    const cls = classify(code, code >= 0xd800 && code <= 0xdbff ? (core.codePointAt(i) ?? code) : code);
    if (cls === OTHER) return undefined;
    if (cls === NEUTRAL) continue;
    if (cls === LEET_CHAR) leetChars++;
    else letters++;
    if (previous !== 0 && cls !== previous) switches++;
    previous = cls;
  }
  if (leetChars === 0 || letters === 0 || switches < (strong ? 2 : 1)) return undefined;
  let word = '';
  let alternative = '';
  for (const ch of core) {
    word += LEET.get(ch) ?? ch;
    alternative += AMBIGUOUS.get(ch) ?? LEET.get(ch) ?? ch;
  }
  if (alternative !== word && !COMMON_WORDS.has(word) && COMMON_WORDS.has(alternative)) word = alternative;
  return { word, leetChars };
}

interface LeetToken {
  from: number;
  to: number;
  read: { word: string; leetChars: number } | undefined;
}

/**
 * `text` (already normalised: lower case, single spaces) with its leet tokens read as letters, or undefined
 * when it has no leetspeak: at least two strong leet tokens, or one with two or more leet characters. Then
 * weak tokens ("th3") are read too. Tokens without a leet character are passed over without being copied.
 */
export function leetspeakReading(text: string): string | undefined {
  if (!ANY_LEET.test(text) || !MAYBE_LEET.test(text)) return undefined;
  const candidates: LeetToken[] = [];
  let strongTokens = 0;
  let strongest = 0;
  // Visit only the tokens that hold a leet character: find one, widen to the token, skip past it.
  const finder = LEET_CHAR_GLOBAL;
  finder.lastIndex = 0;
  for (let hit = finder.exec(text); hit !== null; hit = finder.exec(text)) {
    const start = text.lastIndexOf(' ', hit.index) + 1;
    const space = text.indexOf(' ', hit.index);
    const end = space === -1 ? text.length : space;
    finder.lastIndex = end;
    // Plain loops, not /[…]+$/: a regex anchored at the end backtracks quadratically on long punctuation runs.
    let from = start;
    while (from < end && LEADING_PUNCTUATION.includes(text[from] ?? '')) from++;
    let to = end;
    while (to > from && TRAILING_PUNCTUATION.includes(text[to - 1] ?? '')) to--;
    const read = readLeetToken(text.slice(from, to));
    if (read !== undefined) {
      strongTokens++;
      strongest = Math.max(strongest, read.leetChars);
    }
    candidates.push({ from, to, read });
  }
  if (strongTokens < 2 && strongest < 2) return undefined;
  const parts: string[] = [];
  let last = 0;
  for (const token of candidates) {
    const read = token.read ?? readLeetToken(text.slice(token.from, token.to), false);
    if (read === undefined) continue;
    parts.push(text.slice(last, token.from), read.word);
    last = token.to;
  }
  parts.push(text.slice(last));
  return parts.join('');
}
