// Finds hex-encoded bytes ("49676e…", "49 67 6e", "\x49\x67", "0x49,0x67") and \uXXXX escapes that decode to text.
import { DEFAULT_DECODE_LIMITS, forEachLongRun, type DecodeLimits, type DecodedSegment } from './base64.js';
import { bytesToText, looksLikeText } from './printable.js';

/** Fewest bytes in a hex run worth decoding (16 hex digits). */
export const MIN_HEX_BYTES = 8;
/** Fewest \uXXXX escapes in a row worth decoding. */
export const MIN_UNICODE_ESCAPES = 4;

/** Value of a hex digit, or -1. */
function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

function isX(code: number): boolean {
  return code === 0x78 || code === 0x58;
}

/** Characters a hex run can hold: digits, a-f, the x of \x / 0x prefixes, backslash and the separators. */
function inHexRunClass(code: number): boolean {
  return hexValue(code) >= 0 || isX(code) || code === 0x5c || code === 0x20 || code === 0x2c || code === 0x3a;
}

interface HexParse {
  /** Offset just after the last whole byte. */
  end: number;
  count: number;
  /** True when no separator or prefix was seen (plain "49676e…"), where a misaligned start is possible. */
  contiguous: boolean;
}

/**
 * Reads hex bytes from `start`: pairs of digits, each optionally prefixed by \x or 0x, separated by nothing or
 * one of " ,:". Writes them into `into` when given (a first pass only counts, so that prose costs no allocation).
 */
function parseHexBytes(text: string, start: number, maxBytes: number, into?: Uint8Array): HexParse {
  let count = 0;
  let contiguous = true;
  let i = start;
  let end = start;
  while (count < maxBytes) {
    let k = i;
    const c0 = text.charCodeAt(k);
    if (c0 === 0x5c && isX(text.charCodeAt(k + 1))) k += 2; // \x
    else if (c0 === 0x30 && isX(text.charCodeAt(k + 1)) && hexValue(text.charCodeAt(k + 2)) >= 0) k += 2; // 0x
    const hi = hexValue(text.charCodeAt(k));
    const lo = hexValue(text.charCodeAt(k + 1));
    if (hi < 0 || lo < 0) break;
    if (k !== i) contiguous = false;
    if (into !== undefined) into[count] = hi * 16 + lo;
    count++;
    end = k + 2;
    i = end;
    const sep = text.charCodeAt(i);
    if (sep === 0x20 || sep === 0x2c || sep === 0x3a) {
      i++;
      contiguous = false;
    }
  }
  return { end, count, contiguous };
}

/** Where the second byte of a hex run starting at `start` begins. */
function afterFirstByte(text: string, start: number): number {
  let i = start;
  if (text.charCodeAt(i) === 0x5c || (text.charCodeAt(i) === 0x30 && isX(text.charCodeAt(i + 1)))) i += 2;
  i += 2;
  const sep = text.charCodeAt(i);
  return sep === 0x20 || sep === 0x2c || sep === 0x3a ? i + 1 : i;
}

/** Decodes the bytes parsed from `start` as text, or undefined. */
function decodeHexAt(text: string, start: number, count: number): string | undefined {
  const bytes = new Uint8Array(count);
  parseHexBytes(text, start, count, bytes);
  return bytesToText(bytes);
}

/** Reads \uXXXX escapes from `start`. */
function parseUnicodeEscapes(text: string, start: number, maxUnits: number): { end: number; decoded: string } {
  let i = start;
  let decoded = '';
  while (decoded.length < maxUnits && text.charCodeAt(i) === 0x5c && (text.charCodeAt(i + 1) | 0x20) === 0x75) {
    let value = 0;
    for (let d = 2; d < 6; d++) {
      const v = hexValue(text.charCodeAt(i + d));
      if (v < 0) return { end: i, decoded };
      value = value * 16 + v;
    }
    decoded += String.fromCharCode(value);
    i += 6;
  }
  return { end: i, decoded };
}

/**
 * Hex runs of at least 8 bytes that decode to readable UTF-8 text, and runs of at least four \uXXXX escapes
 * that read as text. Hashes, UUIDs and other binary ids decode to non-text and are rejected. Only stretches of
 * 16+ characters that a hex run can be made of are parsed, each a bounded number of times: linear; bounded by
 * `limits`.
 */
export function findHex(text: string, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodedSegment[] {
  const found: DecodedSegment[] = [];
  let attempts = 0;
  let chars = 0;
  const more = (): boolean => attempts < limits.maxAttempts && chars < limits.maxChars;
  const keep = (start: number, end: number, decoded: string): void => {
    const kept = decoded.slice(0, limits.maxChars - chars);
    found.push({ start, end, decoded: kept });
    chars += kept.length;
  };
  for (let at = text.indexOf('\\u'); at !== -1 && more(); at = text.indexOf('\\u', at + 2)) {
    const { end, decoded } = parseUnicodeEscapes(text, at, limits.maxChars - chars);
    if ((end - at) / 6 < MIN_UNICODE_ESCAPES) continue;
    attempts++;
    if (looksLikeText(decoded)) keep(at, end, decoded);
    at = end - 2;
  }
  forEachLongRun(text, MIN_HEX_BYTES * 2, inHexRunClass, (regionStart, regionEnd) => {
    let i = regionStart;
    while (i < regionEnd && more()) {
      // Budget in bytes: a character of output needs at least one byte.
      const parse = parseHexBytes(text, i, limits.maxChars - chars);
      if (parse.count < MIN_HEX_BYTES) {
        i = Math.max(parse.end, i + 1);
        continue;
      }
      attempts++;
      let decoded = decodeHexAt(text, i, parse.count);
      let [start, end] = [i, parse.end];
      // A hex-looking word glued in front ("ad 49 67…" from "payload 49 67…", "x49676e…") spoils the first
      // byte or the pairing: retry once without the first byte and, for plain runs, once shifted by a digit.
      const retries = parse.contiguous ? [i + 1, afterFirstByte(text, i)] : [afterFirstByte(text, i)];
      for (const retry of retries) {
        if (decoded !== undefined) break;
        const again = parseHexBytes(text, retry, limits.maxChars - chars);
        if (again.count < MIN_HEX_BYTES) continue;
        attempts++;
        decoded = decodeHexAt(text, retry, again.count);
        if (decoded !== undefined) [start, end] = [retry, again.end];
      }
      if (decoded !== undefined) keep(start, end, decoded);
      i = Math.max(end, i + 1);
    }
    return more();
  });
  return found;
}
