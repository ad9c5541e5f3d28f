// Small, linear-time HTML helpers for scanning model output: where a tag ends, and character references decoded.

/** Longest start tag we read; real tags are far shorter, and the bound keeps hostile input linear. */
export const MAX_TAG_LENGTH = 8192;

/**
 * Index just past the `>` that ends the start tag whose attributes begin at `from`. Quoted attribute values
 * may contain `>`; an unquoted `<` ends the tag early (as browsers recover), and so does the length bound.
 */
export function htmlTagEnd(text: string, from: number): number {
  const limit = Math.min(text.length, from + MAX_TAG_LENGTH);
  let quote = 0;
  let prev = 0;
  for (let i = from; i < limit; i++) {
    const ch = text.charCodeAt(i);
    if (quote !== 0) {
      if (ch === quote) quote = 0;
      continue;
    }
    if ((ch === 34 || ch === 39) && prev === 61) quote = ch; // a quote right after "=" opens a value
    else if (ch === 62) return i + 1;
    else if (ch === 60) return i;
    if (ch > 32) prev = ch;
  }
  return limit;
}

const ENTITY = /&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});?/g;
const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", colon: ':', sol: '/', period: '.', quest: '?', equals: '=',
  num: '#', percnt: '%', tab: '\t', newline: '\n', nbsp: '\u00a0', lpar: '(', rpar: ')', commat: '@',
};

/** Decodes numeric and common named character references, which attackers use to hide `https:` from filters. */
export function decodeHtmlEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY, (whole, body: string) => {
    if (body[0] === '#') {
      const cp = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : whole;
    }
    return NAMED[body.toLowerCase()] ?? whole;
  });
}
