// Unicode-aware whole-word checks over folded code units, with substring matching for scripts written without spaces.

const WORD = /^[\p{L}\p{M}\p{N}_]$/u;
// Scripts written without spaces between words: a term in them matches as a substring.
const CONTINUOUS = /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}\p{sc=Tibetan}]$/u;

const WORD_CACHE = new Map<number, number>();

/** 0 = not a word character, 1 = word character, 2 = word character of a script without spaces. */
export function wordClass(cp: number): number {
  if (cp < 0x80) {
    return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x30 && cp <= 0x39) || cp === 0x5f ? 1 : 0;
  }
  let c = WORD_CACHE.get(cp);
  if (c === undefined) {
    const s = String.fromCodePoint(cp);
    c = WORD.test(s) ? (CONTINUOUS.test(s) ? 2 : 1) : 0;
    if (WORD_CACHE.size > 50_000) WORD_CACHE.clear();
    WORD_CACHE.set(cp, c);
  }
  return c;
}

function codePointBefore(units: Uint16Array, at: number): number {
  if (at <= 0) return -1;
  const lo = units[at - 1]!;
  if (lo >= 0xdc00 && lo <= 0xdfff && at >= 2) {
    const hi = units[at - 2]!;
    if (hi >= 0xd800 && hi <= 0xdbff) return ((hi - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
  }
  return lo;
}

function codePointAt(units: Uint16Array, length: number, at: number): number {
  if (at >= length) return -1;
  const hi = units[at]!;
  if (hi >= 0xd800 && hi <= 0xdbff && at + 1 < length) {
    const lo = units[at + 1]!;
    if (lo >= 0xdc00 && lo <= 0xdfff) return ((hi - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
  }
  return hi;
}

/** Which edges of a term need a word boundary: only edges that are word characters of a spaced script. */
export function edgeNeeds(term: string): { left: boolean; right: boolean } {
  if (term.length === 0) return { left: false, right: false };
  const first = term.codePointAt(0)!;
  const lastUnit = term.charCodeAt(term.length - 1);
  const last =
    lastUnit >= 0xdc00 && lastUnit <= 0xdfff && term.length >= 2 ? term.codePointAt(term.length - 2)! : lastUnit;
  return { left: wordClass(first) === 1, right: wordClass(last) === 1 };
}

/**
 * True when units[start..end) stands as a whole word: at each edge that needs it, the neighbour is not a
 * word character, or belongs to a script without spaces (so "AI" matches inside "我爱AI技术").
 */
export function isWholeWord(
  units: Uint16Array,
  length: number,
  start: number,
  end: number,
  needs: { left: boolean; right: boolean },
): boolean {
  if (needs.left) {
    const cp = codePointBefore(units, start);
    if (cp >= 0 && wordClass(cp) === 1) return false;
  }
  if (needs.right) {
    const cp = codePointAt(units, length, end);
    if (cp >= 0 && wordClass(cp) === 1) return false;
  }
  return true;
}
