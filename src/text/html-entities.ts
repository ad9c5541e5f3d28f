// HTML character references (&#105;&#x67;&lt;…): decodes the stretch of a text that holds at least three of them.
import { DEFAULT_DECODE_LIMITS, type DecodeLimits, type DecodedSegment } from './base64.js';
import { looksLikeText } from './printable.js';

/** Fewer references than this are ordinary markup ("Tom &amp; Jerry"), not an encoded message. */
export const MIN_HTML_ENTITIES = 3;

/** Numeric references (decimal or hex, ';' optional as browsers allow) and the few named ones that hide markup. */
const ENTITY = /&#(?:[xX]([0-9A-Fa-f]{1,6})|([0-9]{1,7}));?|&(lt|gt|amp|quot|apos|nbsp);/g;
const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ' };
const WHITESPACE = /\s/;

function decodeEntity(hex: string | undefined, decimal: string | undefined, name: string | undefined): string {
  if (name !== undefined) return NAMED[name] ?? '';
  const cp = hex !== undefined ? parseInt(hex, 16) : parseInt(decimal ?? '', 10);
  // Surrogates and out-of-range values are what browsers replace with U+FFFD too.
  return Number.isFinite(cp) && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
}

/** Decodes every reference `ENTITY` knows in `text`. */
export function decodeHtmlEntities(text: string): string {
  return text.replace(ENTITY, (_m: string, hex?: string, decimal?: string, name?: string) => decodeEntity(hex, decimal, name));
}

/**
 * The stretch of `text` from the word holding the first character reference to the word holding the last one,
 * decoded, when there are at least three references, one of them numeric, and the result reads as text.
 */
export function findHtmlEntities(text: string, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): DecodedSegment[] {
  if (!text.includes('&#')) return [];
  let count = 0;
  let first = -1;
  let last = -1;
  ENTITY.lastIndex = 0;
  for (let m = ENTITY.exec(text); m !== null; m = ENTITY.exec(text)) {
    if (first === -1) first = m.index;
    last = m.index + m[0].length;
    count++;
  }
  if (count < MIN_HTML_ENTITIES) return [];
  let start = first;
  while (start > 0 && !WHITESPACE.test(text[start - 1] ?? ' ')) start--;
  let end = last;
  while (end < text.length && !WHITESPACE.test(text[end] ?? ' ')) end++;
  // A reference is up to ten characters for one or two decoded units: this slice fills the budget in practice.
  let stop = Math.min(end, start + 8 * limits.maxChars);
  // Do not cut a reference in two ("&#6" of "&#65;" would read as a control character).
  if (stop < end) stop = Math.max(start + 1, text.lastIndexOf('&', stop));
  const stretch = text.slice(start, stop);
  const decoded = decodeHtmlEntities(stretch);
  if (decoded === stretch || !looksLikeText(decoded)) return [];
  return [{ start: first, end: last, decoded: decoded.slice(0, limits.maxChars) }];
}
