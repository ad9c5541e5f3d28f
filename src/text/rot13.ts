// ROT13 reading of a text, offered only when the text talks about rot13/Caesar or the reading is clearly more English.
import { COMMON_WORDS } from './word-list.js';

const ASCII_LETTER = /[A-Za-z]/g;

/** Rotates ASCII letters by 13 places; everything else is unchanged. */
export function rot13(text: string): string {
  return text.replace(ASCII_LETTER, (ch) => {
    const code = ch.charCodeAt(0);
    const base = code >= 0x61 ? 0x61 : 0x41;
    return String.fromCharCode(((code - base + 13) % 26) + base);
  });
}

/** Common words as they look after ROT13, so a token can be judged without rotating it. */
const ROTATED_COMMON: ReadonlySet<string> = new Set([...COMMON_WORDS].map(rot13));
const MAY_MENTION_ROT13 = /rot|cesar|caesar/;
const MENTIONS_ROT13 = /\b(?:rot[- ]?13|caesar|cesar)\b/;
/** Tokens per sliding window, and how many rotated common words a window needs. */
const WINDOW = 12;
const MIN_GAIN = 3;

/** Lower-case ASCII words of two or more letters in `text`, visited in order; `visit` returns false to stop. */
function forEachWord(text: string, visit: (start: number, end: number) => boolean): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 0x61 || c > 0x7a) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && text.charCodeAt(i) >= 0x61 && text.charCodeAt(i) <= 0x7a) i++;
    if (i - start >= 2 && !visit(start, i)) return;
  }
}

/**
 * Rotated common words of 3+ letters that are not common words themselves, as one pattern: the regex engine
 * finds them in ordinary prose about twice as fast as a word-by-word loop, and prose has none.
 */
const ROTATED_GAIN_WORDS = [...ROTATED_COMMON].filter((w) => w.length >= 3 && !COMMON_WORDS.has(w));
const ROTATED_GAIN_GLOBAL = new RegExp(`\\b(?:${ROTATED_GAIN_WORDS.sort((a, b) => b.length - a.length).join('|')})\\b`, 'g');

function countRotatedGains(text: string, atMost: number): number {
  ROTATED_GAIN_GLOBAL.lastIndex = 0;
  let count = 0;
  while (count < atMost && ROTATED_GAIN_GLOBAL.exec(text) !== null) count++;
  return count;
}

/** A word (three or more letters) that is common English only after ROT13 ("vtaber" is "ignore"). */
function isRotatedGain(text: string, start: number, end: number): boolean {
  if (end - start < 3) return false; // two-letter rotations ("vf" is, "gb" to) turn up by chance in codes and ids
  const word = text.slice(start, end);
  return ROTATED_COMMON.has(word) && !COMMON_WORDS.has(word);
}

/**
 * True when some stretch of 12 words (of two or more letters) has at least three words that are common
 * English only after ROT13 and more of them than words that are common English as written. `text` must be
 * lower case (normalised). A first pass counts rotated words alone (with one regex); ordinary prose has fewer
 * than three and stops there.
 */
export function readsBetterRotated(text: string): boolean {
  if (countRotatedGains(text, MIN_GAIN) < MIN_GAIN) return false;
  // gains[k] / plain[k] for the last WINDOW words, in ring buffers.
  const gains = new Uint8Array(WINDOW);
  const plain = new Uint8Array(WINDOW);
  let gainSum = 0;
  let plainSum = 0;
  let slot = 0;
  let found = false;
  forEachWord(text, (start, end) => {
    const isGain = isRotatedGain(text, start, end) ? 1 : 0;
    const isPlain = isGain === 0 && COMMON_WORDS.has(text.slice(start, end)) ? 1 : 0;
    gainSum += isGain - (gains[slot] ?? 0);
    plainSum += isPlain - (plain[slot] ?? 0);
    gains[slot] = isGain;
    plain[slot] = isPlain;
    slot = (slot + 1) % WINDOW;
    found = gainSum >= MIN_GAIN && gainSum > plainSum;
    return !found;
  });
  return found;
}

/** The ROT13 reading of a normalised `text` when it is worth offering, else undefined. */
export function rot13Reading(text: string): string | undefined {
  if ((MAY_MENTION_ROT13.test(text) && MENTIONS_ROT13.test(text)) || readsBetterRotated(text)) return rot13(text);
  return undefined;
}
