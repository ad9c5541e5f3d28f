// Finds base64 (standard or URL-safe, padded or not) embedded in a text and decodes the parts that read as text.
import { bytesToText } from './printable.js';

/** A decoded part of a text: where it sits (UTF-16 offsets into the scanned string) and what it says. */
export interface DecodedSegment {
  start: number;
  end: number;
  decoded: string;
}

export interface DecodeLimits {
  /** Most decode attempts per call (hostile texts can hold millions of candidate runs). */
  maxAttempts: number;
  /** Most decoded characters returned per call. */
  maxChars: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxAttempts: 256, maxChars: 64 * 1024 };

/** Shortest run of base64 characters considered: 16 characters are 12 bytes. */
export const MIN_BASE64_RUN = 16;
/** Characters that may glue a payload to a word or path; a failed run is retried split at them. */
const SEPARATORS = /[-_/]+/;

/** 1 = standard alphabet, 2 = URL-safe extra (- _); indexed by char code < 128. */
const ALPHABET = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9+/]/.test(ch)) ALPHABET[c] = 1;
  else if (ch === '-' || ch === '_') ALPHABET[c] = 2;
}

function isBase64Char(code: number): boolean {
  return code < 128 && ALPHABET[code] !== 0;
}

/** Real base64 of text has both letter cases; paths, hyphenated words and snake_case names usually do not. */
function hasBothCases(text: string, start: number, end: number): boolean {
  let upper = false;
  let lower = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) upper = true;
    else if (c >= 0x61 && c <= 0x7a) lower = true;
    if (upper && lower) return true;
  }
  return false;
}

/** Decodes base64 text (either alphabet, padding optional) to UTF-8 text, or undefined when it is not readable text. */
export function decodeBase64Text(encoded: string): string | undefined {
  // A loop, not /=+$/: an end-anchored regex backtracks quadratically on a long run of '=' followed by more.
  let bodyEnd = encoded.length;
  while (bodyEnd > 0 && encoded.charCodeAt(bodyEnd - 1) === 0x3d) bodyEnd--;
  const body = encoded.slice(0, bodyEnd);
  // A final group of one character carries no whole byte.
  const usable = body.length % 4 === 1 ? body.slice(0, -1) : body;
  if (usable.length < MIN_BASE64_RUN - 2) return undefined;
  return bytesToText(Buffer.from(usable, 'base64'));
}

/**
 * Maximal runs of characters accepted by `inClass` that are at least `minLength` long, visited in order.
 * Only every `minLength`-th position is probed (any long enough run covers one), so ordinary prose costs a
 * fraction of a pass; each character is still looked at a bounded number of times, so this is linear.
 */
export function forEachLongRun(
  text: string,
  minLength: number,
  inClass: (code: number) => boolean,
  visit: (start: number, end: number) => boolean,
): void {
  const n = text.length;
  let floor = 0;
  let probe = minLength - 1;
  while (probe < n) {
    if (!inClass(text.charCodeAt(probe))) {
      probe += minLength;
      continue;
    }
    let start = probe;
    while (start > floor && inClass(text.charCodeAt(start - 1))) start--;
    let end = probe + 1;
    while (end < n && inClass(text.charCodeAt(end))) end++;
    if (end - start >= minLength && !visit(start, end)) return;
    floor = end;
    probe = end + minLength;
  }
}

/**
 * Runs of at least 16 base64 characters (plus up to two '=') that hold both letter cases and decode to
 * readable UTF-8 text. A run that fails as a whole is retried split at '-', '_' and '/', which often glue a
 * payload to a path or a word ("docs/SWdub3Jl…"). Linear in the length of `text`; bounded by `limits`.
 */
export function findBase64(text: string, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodedSegment[] {
  const found: DecodedSegment[] = [];
  let attempts = 0;
  let chars = 0;
  const n = text.length;
  const tryDecode = (start: number, end: number): boolean => {
    if (attempts >= limits.maxAttempts || chars >= limits.maxChars) return false;
    attempts++;
    // Decode no more than the remaining budget needs (4 characters per 3 bytes, a byte per character at best).
    const maxInput = Math.max(MIN_BASE64_RUN, Math.ceil(((limits.maxChars - chars) * 4) / 3 / 4) * 4);
    const stop = Math.min(end, start + maxInput);
    const decoded = decodeBase64Text(text.slice(start, stop));
    if (decoded === undefined) return false;
    const kept = decoded.slice(0, limits.maxChars - chars);
    chars += kept.length;
    found.push({ start, end, decoded: kept });
    return true;
  };
  forEachLongRun(text, MIN_BASE64_RUN, isBase64Char, (start, runEnd) => {
    let end = runEnd;
    for (let pad = 0; pad < 2 && end < n && text.charCodeAt(end) === 0x3d; pad++) end++;
    const more = (): boolean => attempts < limits.maxAttempts && chars < limits.maxChars;
    if (!hasBothCases(text, start, end) || tryDecode(start, end)) return more();
    const run = text.slice(start, end);
    if (!SEPARATORS.test(run)) return more();
    let offset = start;
    for (const piece of run.split(SEPARATORS)) {
      const pieceStart = text.indexOf(piece, offset);
      offset = pieceStart + piece.length;
      if (piece.length >= MIN_BASE64_RUN && hasBothCases(piece, 0, piece.length)) tryDecode(pieceStart, offset);
    }
    return more();
  });
  return found;
}
