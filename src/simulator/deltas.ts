// Splits a reply into streaming deltas of a few words each, as a model streams tokens.

const DEFAULT_WORDS = 3;
/** Cap on one delta, so that a long run without spaces (or a megabyte reply) still streams in many pieces. */
const DEFAULT_MAX_CHARS = 4096;

/**
 * Consecutive pieces of `text` that concatenate back to it: each holds `words` words with the whitespace after them
 * (leading whitespace joins the first piece), at most `maxChars` code units, never splitting a surrogate pair.
 */
export function splitIntoDeltas(text: string, words = DEFAULT_WORDS, maxChars = DEFAULT_MAX_CHARS): string[] {
  const pieces: string[] = [];
  let start = 0;
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (space && inWord) {
      count++;
      inWord = false;
    } else if (!space && !inWord) {
      if (count >= words) {
        pieces.push(text.slice(start, i));
        start = i;
        count = 0;
      }
      inWord = true;
    }
    if (i + 1 - start >= maxChars) {
      let cut = i + 1;
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && cut < text.length) cut--;
      if (cut > start) {
        pieces.push(text.slice(start, cut));
        start = cut;
        count = 0;
      }
    }
  }
  if (start < text.length) pieces.push(text.slice(start));
  return pieces;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}
