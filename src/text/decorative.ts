// Decorative Latin letters that NFKC misses (small capitals, negative circled/squared, regional indicators, parenthesized).
import data from './decorative-letters.json' with { type: 'json' };

/** Folded after NFKC. */
const AFTER_NFKC = new Map<number, string>();
/** Folded before NFKC, because NFKC would turn them into "(a)". */
const BEFORE_NFKC = new Map<number, string>();

function add(map: Map<number, string>, cp: number, letter: string): void {
  if (!map.has(cp)) map.set(cp, letter);
}

for (const [hex, letter] of data.singles as [string, string, string][]) {
  const cp = parseInt(hex, 16);
  add(AFTER_NFKC, cp, letter);
  // Same folding for the other case (e.g. LATIN CAPITAL LETTER SMALL CAPITAL I), so that lower-casing a normalised
  // text can never reveal a character that a second normalisation would fold.
  const ch = String.fromCodePoint(cp);
  for (const other of [ch.toUpperCase(), ch.toLowerCase()]) {
    const otherCp = other.codePointAt(0) ?? cp;
    if (other.length === String.fromCodePoint(otherCp).length && otherCp !== cp) add(AFTER_NFKC, otherCp, letter);
  }
}
for (const range of data.ranges) {
  const from = parseInt(range.from, 16);
  const to = parseInt(range.to, 16);
  const map = range.stage === 'before NFKC' ? BEFORE_NFKC : AFTER_NFKC;
  for (let cp = from; cp <= to; cp++) add(map, cp, String.fromCharCode(0x61 + ((cp - from) % 26)));
}

function classOf(map: Map<number, string>, flags: string): RegExp {
  const escape = (cp: number): string => `\\u{${cp.toString(16)}}`;
  return new RegExp(`[${[...map.keys()].map(escape).join('')}]`, flags);
}

const AFTER_RE = classOf(AFTER_NFKC, 'gu');
const BEFORE_RE = classOf(BEFORE_NFKC, 'gu');
/**
 * Pre-check over UTF-16 code units without the u flag: the 64-unit blocks that hold a BMP key or the high
 * surrogate of an astral key. A few block ranges scan much faster than a class of scattered code points.
 */
function blockClass(map: Map<number, string>): RegExp {
  const blocks = [...new Set([...map.keys()].map((cp) => String.fromCodePoint(cp).charCodeAt(0) >> 6))].sort((a, b) => a - b);
  const escape = (unit: number): string => `\\u${unit.toString(16).padStart(4, '0')}`;
  const ranges: string[] = [];
  for (let k = 0; k < blocks.length; ) {
    let last = k;
    while (last + 1 < blocks.length && (blocks[last + 1] ?? 0) === (blocks[last] ?? 0) + 1) last++;
    ranges.push(`${escape((blocks[k] ?? 0) << 6)}-${escape((((blocks[last] ?? 0) + 1) << 6) - 1)}`);
    k = last + 1;
  }
  return new RegExp(`[${ranges.join('')}]`);
}
const MAYBE_AFTER = blockClass(AFTER_NFKC);
const MAYBE_BEFORE = blockClass(BEFORE_NFKC);

function replaceWith(text: string, re: RegExp, map: Map<number, string>): string {
  return text.replace(re, (ch) => map.get(ch.codePointAt(0) ?? 0) ?? ch);
}

/** Folds letters that NFKC would expand to "(a)" — call before NFKC. */
export function foldDecorativeBeforeNfkc(text: string): string {
  return MAYBE_BEFORE.test(text) ? replaceWith(text, BEFORE_RE, BEFORE_NFKC) : text;
}

/** Folds decorative letters that NFKC leaves alone — call after NFKC. */
export function foldDecorative(text: string): string {
  return MAYBE_AFTER.test(text) ? replaceWith(text, AFTER_RE, AFTER_NFKC) : text;
}
