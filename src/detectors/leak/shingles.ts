// Word shingles for near-verbatim overlap: normalised tokens with offsets, hashed k-grams, containment and longest shared run.
import type { Span } from '../../core/finding.js';

export interface Tokens {
  /** Normalised token strings (NFKC, lower-case, invisible format characters removed). */
  words: string[];
  /** UTF-16 offsets of each token in the tokenised text. */
  starts: number[];
  ends: number[];
}

const FORMAT = /\p{Cf}/gu;
const IS_FORMAT = /^\p{Cf}$/u;
const IS_CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u;
const IS_WORD = /^[\p{L}\p{N}\p{M}]$/u;

const SEP = 0;
const WORD = 1;
/** Format characters (zero-width, bidi, tags) continue a word but are dropped from it: they are obfuscation. */
const FORMAT_CHAR = 2;
/** A CJK character is a token of its own: these scripts put no spaces between words. */
const CJK = 3;

/** Classes of non-ASCII code points, memoised: outputs reuse few distinct characters and regex tests are slow. */
const classCache = new Map<number, number>();
function classify(cp: number): number {
  let c = classCache.get(cp);
  if (c !== undefined) return c;
  const ch = String.fromCodePoint(cp);
  c = IS_FORMAT.test(ch) ? FORMAT_CHAR : IS_CJK.test(ch) ? CJK : IS_WORD.test(ch) ? WORD : SEP;
  if (classCache.size < 65_536) classCache.set(cp, c);
  return c;
}

function emit(
  text: string,
  lower: string | undefined,
  from: number,
  to: number,
  plain: boolean,
  words: string[],
  starts: number[],
  ends: number[],
): void {
  let w: string;
  if (plain) w = lower ? lower.slice(from, to) : text.slice(from, to).toLowerCase();
  else w = text.slice(from, to).replace(FORMAT, '').normalize('NFKC').toLowerCase();
  if (w === '') return;
  words.push(w);
  starts.push(from);
  ends.push(to);
}

/**
 * Words as letters, digits and marks (Unicode), lower-cased and NFKC-normalised, with their offsets.
 * A hand-written scanner: three times faster than a Unicode-property regex on the usual mostly-ASCII output.
 */
export function tokenize(text: string, maxTokens = Number.POSITIVE_INFINITY): Tokens {
  const words: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  // Lower-casing the whole text once is much cheaper than per word; offsets stay valid unless it changed the
  // length (as "İ" does), and then each word is lower-cased on its own.
  const lowered = text.toLowerCase();
  const lower = lowered.length === text.length ? lowered : undefined;
  let start = -1;
  let plain = true;
  for (let i = 0; i <= text.length && words.length < maxTokens; ) {
    const code = i < text.length ? text.charCodeAt(i) : 32;
    let cls: number;
    let width = 1;
    if (code < 128) {
      cls = (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) ? WORD : SEP;
    } else {
      const cp = text.codePointAt(i) ?? code;
      width = cp > 0xffff ? 2 : 1;
      cls = classify(cp);
    }
    if (cls === WORD || cls === FORMAT_CHAR) {
      if (start === -1) start = i;
      if (code >= 128) plain = false;
      i += width;
      continue;
    }
    // A separator or a CJK character ends the current word; a CJK character is then a word of its own.
    if (start !== -1) emit(text, lower, start, i, plain, words, starts, ends);
    if (cls === CJK) emit(text, lower, i, i + width, false, words, starts, ends);
    start = -1;
    plain = true;
    i += width;
  }
  return { words, starts, ends };
}

/** Two independent 32-bit FNV-1a style hashes of a token, packed later into one 53-bit shingle key. */
function tokenHashes(w: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ w.length;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return [a >>> 0, b >>> 0];
}

/** Hash key of every k-gram (index i covers tokens i..i+k-1); a collision needs 53 bits to agree. */
export function shingleKeys(words: readonly string[], k: number): number[] {
  const n = words.length - k + 1;
  if (n <= 0) return [];
  const ha = new Uint32Array(words.length);
  const hb = new Uint32Array(words.length);
  for (let i = 0; i < words.length; i++) [ha[i], hb[i]] = tokenHashes(words[i] as string);
  const keys = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let a = 0;
    let b = 0;
    for (let j = 0; j < k; j++) {
      a = (Math.imul(a, 0x01000193) + (ha[i + j] as number)) >>> 0;
      b = (Math.imul(b, 0x2f0b3a49) + (hb[i + j] as number)) >>> 0;
    }
    keys[i] = a * 0x200000 + (b & 0x1fffff);
  }
  return keys;
}

/** The reference side (a system prompt): its shingles with the first position of each. */
export interface ShingleIndex {
  tokenCount: number;
  words: readonly string[];
  firstPosition: ReadonlyMap<number, number>;
}

export function indexShingles(words: readonly string[], k: number): ShingleIndex {
  const firstPosition = new Map<number, number>();
  shingleKeys(words, k).forEach((key, i) => {
    if (!firstPosition.has(key)) firstPosition.set(key, i);
  });
  return { tokenCount: words.length, words, firstPosition };
}

export interface Overlap {
  /** Share of the reference's distinct shingles found in the text, 0..1. */
  containment: number;
  /** Longest run of tokens shared in the same order by both, in tokens. */
  longestRun: number;
  /** Token ranges [first, last] of the text covered by shared shingles, merged, in order. */
  stretches: [number, number][];
}

/** Containment of `ref` in `words` and the shared stretches; linear in both sizes. */
export function overlap(ref: ShingleIndex, words: readonly string[], k: number): Overlap {
  const keys = shingleKeys(words, k);
  const found = new Set<number>();
  const stretches: [number, number][] = [];
  let longestShingles = 0;
  let run = 0;
  let prevPos = -2;
  for (let i = 0; i < keys.length; i++) {
    const pos = ref.firstPosition.get(keys[i] as number);
    if (pos === undefined) {
      run = 0;
      prevPos = -2;
      continue;
    }
    found.add(keys[i] as number);
    run = pos === prevPos + 1 && run > 0 ? run + 1 : 1;
    prevPos = pos;
    if (run > longestShingles) longestShingles = run;
    const last = stretches[stretches.length - 1];
    if (last && i <= last[1] + 1) last[1] = i + k - 1;
    else stretches.push([i, i + k - 1]);
  }
  return {
    containment: ref.firstPosition.size === 0 ? 0 : found.size / ref.firstPosition.size,
    longestRun: longestShingles === 0 ? 0 : longestShingles + k - 1,
    stretches,
  };
}

/** Index of the first place where `needle` occurs as a contiguous token sequence in `hay`, or -1. */
export function findTokenSequence(hay: readonly string[], needle: readonly string[]): number {
  if (needle.length === 0) return -1;
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

export function tokenSpan(t: Tokens, first: number, last: number): Span {
  return { start: t.starts[first] as number, end: t.ends[last] as number };
}
