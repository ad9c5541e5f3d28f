// Percent-encoding (%49%67%6E…): decodes the stretch of a text that holds at least three escapes.
import { DEFAULT_DECODE_LIMITS, type DecodeLimits, type DecodedSegment } from './base64.js';
import { looksLikeText } from './printable.js';

/** Fewer escapes than this are ordinary URLs ("a%20b"), not an encoded message. */
export const MIN_URL_ESCAPES = 3;

const ESCAPE_RUN = /(?:%[0-9A-Fa-f]{2})+/g;
const WHITESPACE = /\s/;
const PLUS = /\+/g;
const UTF8 = new TextDecoder('utf-8', { fatal: false });

function isHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x66);
}

/** Decodes every run of %XX escapes in `text` as UTF-8 (invalid sequences become U+FFFD, never an exception). */
export function percentDecode(text: string, plusIsSpace: boolean): string {
  const decoded = text.replace(ESCAPE_RUN, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let k = 0; k < bytes.length; k++) bytes[k] = parseInt(run.slice(k * 3 + 1, k * 3 + 3), 16);
    return UTF8.decode(bytes);
  });
  return plusIsSpace ? decoded.replace(PLUS, ' ') : decoded;
}

/**
 * The percent-encoded stretch of `text` (from the word holding the first escape to the word holding the last),
 * decoded, when there are at least three escapes and the result reads as text. '+' means a space only in a
 * text without whitespace (a query string), since elsewhere it is just a plus.
 */
export function findUrlEncoded(text: string, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodedSegment[] {
  let count = 0;
  let first = -1;
  let last = -1;
  for (let i = text.indexOf('%'); i !== -1; i = text.indexOf('%', i + 1)) {
    if (!isHexDigit(text.charCodeAt(i + 1)) || !isHexDigit(text.charCodeAt(i + 2))) continue;
    if (first === -1) first = i;
    last = i + 3;
    count++;
  }
  if (count < MIN_URL_ESCAPES) return [];
  let start = first;
  while (start > 0 && !WHITESPACE.test(text[start - 1] ?? ' ')) start--;
  let end = last;
  while (end < text.length && !WHITESPACE.test(text[end] ?? ' ')) end++;
  // An escape is three characters that decode to at most one: three budgets of input fill one of output.
  const stretch = text.slice(start, Math.min(end, start + 3 * limits.maxChars));
  const decoded = percentDecode(stretch, !WHITESPACE.test(text));
  if (decoded === stretch || !looksLikeText(decoded)) return [];
  return [{ start: first, end: last, decoded: decoded.slice(0, limits.maxChars) }];
}
