// Cheap statistics over candidate secret values: Shannon entropy, character classes, and shapes that are not secrets.

const ASCII_COUNTS = new Uint32Array(128);

/** Shannon entropy in bits per character over UTF-16 code units (ASCII secrets make this exact). */
export function shannonEntropy(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  // Counting in a shared table (reset below) avoids a Map per call on the hot path; non-ASCII falls back to a Map.
  let other: Map<number, number> | undefined;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) ASCII_COUNTS[c]!++;
    else (other ??= new Map()).set(c, (other.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) continue;
    const k = ASCII_COUNTS[c]!;
    if (k === 0) continue;
    ASCII_COUNTS[c] = 0;
    const p = k / n;
    h -= p * Math.log2(p);
  }
  if (other) {
    for (const k of other.values()) {
      const p = k / n;
      h -= p * Math.log2(p);
    }
  }
  return h;
}

export interface CharClasses {
  lower: boolean;
  upper: boolean;
  digit: boolean;
  symbol: boolean;
  /** How many of the four classes occur. */
  count: number;
}

export function charClasses(s: string): CharClasses {
  let lower = false;
  let upper = false;
  let digit = false;
  let symbol = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) lower = true;
    else if (c >= 65 && c <= 90) upper = true;
    else if (c >= 48 && c <= 57) digit = true;
    else symbol = true;
  }
  return { lower, upper, digit, symbol, count: +lower + +upper + +digit + +symbol };
}

const HEX_RE = /^[0-9a-f]+$/i;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DIGITS_RE = /^[0-9]+$/;
const CSS_COLOUR_RE = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

export const isHex = (s: string): boolean => HEX_RE.test(s);
export const isUuid = (s: string): boolean => UUID_RE.test(s);
export const isDigits = (s: string): boolean => DIGITS_RE.test(s);
export const isCssColour = (s: string): boolean => CSS_COLOUR_RE.test(s);

/** Lengths of md5, sha1, sha224, sha256, sha384, sha512 digests in hex (also git object ids). */
const DIGEST_HEX_LENGTHS = new Set([32, 40, 56, 64, 96, 128]);
export const isHexDigest = (s: string): boolean => DIGEST_HEX_LENGTHS.has(s.length) && isHex(s);

/**
 * True when a value reads as words rather than random characters: only letters and separators, cased like text —
 * lower-case, ALL CAPS, or Capitalised / camelCase where almost every capital starts a word (is followed by a
 * lower-case letter): "my-super-secret-value", "ThisIsNotAKey", "NONE". Random letters ("cjdPaiFDUnVz") follow a
 * capital with another capital about half the time.
 */
export function looksLikeWords(s: string): boolean {
  let upper = 0;
  let lower = 0;
  let capitalStartsWord = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      upper++;
      const n = s.charCodeAt(i + 1);
      if (!(n >= 65 && n <= 90)) capitalStartsWord++;
    } else if (c >= 97 && c <= 122) lower++;
    else if (c !== 45 && c !== 95 && c !== 46 && c !== 32) return false;
  }
  const letters = upper + lower;
  if (upper <= 0.2 * letters || lower <= 0.1 * letters) return true;
  return upper <= 0.5 * letters && capitalStartsWord >= 0.75 * upper;
}

/** Longest run of one repeated character ("aaaa" → 4); long runs mark placeholders such as "xxxx" or "0000". */
export function longestRun(s: string): number {
  let best = s.length > 0 ? 1 : 0;
  let run = 1;
  for (let i = 1; i < s.length; i++) {
    run = s.charCodeAt(i) === s.charCodeAt(i - 1) ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}
