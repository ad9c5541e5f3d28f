// Sentence splitting with offsets: abbreviations, initials, decimals and list items handled, for answers and documents alike.

export interface Segment {
  text: string;
  start: number;
  end: number;
}

// Lower-cased, without the final dot. Titles, Latin shorthands, company forms, months, units.
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'mt', 'ft', 'vs', 'etc', 'e.g', 'i.e', 'eg', 'ie', 'cf', 'al', 'ca',
  'approx', 'inc', 'ltd', 'co', 'corp', 'dept', 'est', 'gen', 'gov', 'sen', 'rep', 'no', 'nos', 'fig', 'figs', 'vol',
  'pp', 'ch', 'sec', 'art', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
  'u.s', 'u.k', 'u.n', 'e.u', 'a.m', 'p.m', 'ph.d', 'b.c', 'a.d', 'op', 'ed', 'eds', 'resp', 'min', 'max', 'avg',
]);

const LIST_MARKER = /^[ \t]*(?:[-*•‣◦▪]|\d{1,3}[.)]|[a-zA-Z][.)]|\(\d{1,3}\)|\([a-z]\))[ \t]+/;
const TRAILING_WORD = /([\p{L}.]+)$/u;
const UPPER_OR_OPENER = /[\p{Lu}\p{Lt}\d"'“‘([]/u;

function isTerminator(c: number): boolean {
  return c === 0x2e || c === 0x21 || c === 0x3f || c === 0x3b || c === 0x2026 || isFullWidthTerminator(c); // . ! ? ; …
}

/** 。！？ end a sentence with no space after them (Chinese, Japanese). */
function isFullWidthTerminator(c: number): boolean {
  return c === 0x3002 || c === 0xff01 || c === 0xff1f;
}

/** Characters that may trail a terminator: more terminators, closing quotes and brackets. */
function isCloser(c: number): boolean {
  return isTerminator(c) || c === 0x22 || c === 0x27 || c === 0x201d || c === 0x2019 || c === 0x29 || c === 0x5d;
}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a);
}

function isUpperStart(text: string, at: number): boolean {
  const cp = text.codePointAt(at);
  return cp === undefined || UPPER_OR_OPENER.test(String.fromCodePoint(cp));
}

/** True when the `.` at `dot` ends an abbreviation or an initial rather than a sentence. */
function isAbbreviation(text: string, dot: number, lineStart: number): boolean {
  const before = TRAILING_WORD.exec(text.slice(Math.max(lineStart, dot - 12), dot));
  if (!before) return false;
  const word = before[1]!;
  if (/^\p{Lu}$/u.test(word)) return true; // an initial: "J. K. Rowling"
  return ABBREVIATIONS.has(word.toLowerCase());
}

/** Splits one line into sentences. */
function splitLine(text: string, lineStart: number, lineEnd: number, out: Segment[], max: number): void {
  let start = lineStart;
  for (let i = lineStart; i < lineEnd && out.length < max; i++) {
    const c = text.charCodeAt(i);
    if (!isTerminator(c)) continue;
    let j = i + 1;
    while (j < lineEnd && isCloser(text.charCodeAt(j))) j++;
    const fullWidth = isFullWidthTerminator(c);
    if (!fullWidth && j < lineEnd && !isSpace(text.charCodeAt(j))) continue; // "3.14", "e.g.x", "U.S.-based"
    let k = j;
    while (k < lineEnd && isSpace(text.charCodeAt(k))) k++;
    if (c === 0x2e && j === i + 1 && isAbbreviation(text, i, lineStart)) continue;
    if (c !== 0x3b && !fullWidth && k < lineEnd && !isUpperStart(text, k)) continue;
    push(text, start, j, out);
    start = k;
    i = k - 1;
  }
  if (start < lineEnd && out.length < max) push(text, start, lineEnd, out);
}

function push(text: string, start: number, end: number, out: Segment[]): void {
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  if (end > start) out.push({ text: text.slice(start, end), start, end });
}

/**
 * Sentences of `text` with their offsets: every line is split on its own (so list items and headings
 * stay apart), list markers are dropped, and at most `max` sentences are returned.
 */
export function splitSentences(text: string, max = Infinity): Segment[] {
  const out: Segment[] = [];
  let lineStart = 0;
  while (lineStart <= text.length && out.length < max) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const marker = LIST_MARKER.exec(text.slice(lineStart, Math.min(lineEnd, lineStart + 16)));
    splitLine(text, lineStart + (marker ? marker[0].length : 0), lineEnd, out, max);
    lineStart = lineEnd + 1;
  }
  return out;
}
