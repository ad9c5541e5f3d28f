// Per-code-point folding for keyword matching (NFKC, lower case, invisibles dropped, spaces collapsed) with an offset map back to the source.
//
// Folding one code point at a time (instead of normalising the whole string) is what makes a match in
// the folded text cheap to map back to a span of the original: every folded code unit remembers the
// source offsets of the code point it came from. It misses the rare foldings that need context
// (combining sequences that NFKC composes, Greek final sigma); the detector also scans the shared
// whole-string normalisation for those, without a span.

export interface FoldedText {
  /** Folded code units; only the first `length` are meaningful. */
  readonly units: Uint16Array;
  readonly length: number;
  /** Source offset of the code point each folded unit came from. */
  readonly start: Int32Array;
  /** Source offset just after that code point. */
  readonly end: Int32Array;
}

const FOLD_CACHE = new Map<number, string>();
const FOLD_CACHE_MAX = 20_000;

/** Invisible format characters that obfuscators insert inside words. */
function isInvisible(cp: number): boolean {
  return (
    cp === 0x00ad ||
    cp === 0x034f ||
    cp === 0x061c ||
    cp === 0x180e ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x206f) ||
    cp === 0xfeff ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xe0000 && cp <= 0xe007f) ||
    (cp >= 0xe0100 && cp <= 0xe01ef)
  );
}

function isSpace(cp: number): boolean {
  return (
    cp === 0x20 ||
    (cp >= 0x09 && cp <= 0x0d) ||
    cp === 0x85 ||
    cp === 0xa0 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

function foldCodePoint(cp: number): string {
  let f = FOLD_CACHE.get(cp);
  if (f === undefined) {
    f = String.fromCodePoint(cp).normalize('NFKC').toLowerCase();
    if (FOLD_CACHE.size >= FOLD_CACHE_MAX) FOLD_CACHE.clear();
    FOLD_CACHE.set(cp, f);
  }
  return f;
}

/** Folds `text` for matching; the arrays grow when NFKC expands (e.g. "ﬁ" → "fi"). */
export function foldText(text: string): FoldedText {
  let cap = text.length + 16;
  let units = new Uint16Array(cap);
  let start = new Int32Array(cap);
  let end = new Int32Array(cap);
  let n = 0;
  let lastSpace = false;
  const push = (u: number, s: number, e: number): void => {
    if (n === cap) {
      cap *= 2;
      const u2 = new Uint16Array(cap);
      u2.set(units);
      units = u2;
      const s2 = new Int32Array(cap);
      s2.set(start);
      start = s2;
      const e2 = new Int32Array(cap);
      e2.set(end);
      end = e2;
    }
    units[n] = u;
    start[n] = s;
    end[n++] = e;
  };
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) {
        if (!lastSpace) push(0x20, i, i + 1);
        lastSpace = true;
      } else {
        push(c >= 0x41 && c <= 0x5a ? c + 32 : c, i, i + 1);
        lastSpace = false;
      }
      i++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const next = i + (cp > 0xffff ? 2 : 1);
    if (isInvisible(cp)) {
      i = next;
      continue;
    }
    if (isSpace(cp)) {
      if (!lastSpace) push(0x20, i, next);
      lastSpace = true;
    } else {
      const f = foldCodePoint(cp);
      for (let k = 0; k < f.length; k++) push(f.charCodeAt(k), i, next);
      lastSpace = f.length > 0 && f.charCodeAt(f.length - 1) === 0x20;
    }
    i = next;
  }
  return { units, length: n, start, end };
}

/** The folded form of a configured term, as a string (trimmed; may be empty). */
export function foldTerm(term: string): string {
  const f = foldText(term.normalize('NFKC'));
  return String.fromCharCode(...f.units.subarray(0, f.length)).trim();
}
