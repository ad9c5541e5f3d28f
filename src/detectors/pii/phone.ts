// Telephone numbers: international (+CC / 00CC), North American, European trunk-prefixed, and bare local numbers
// only next to a phone word. Every pattern uses bounded quantifiers, so a scan is linear in the text length.
import { after, before, digitsOf } from './context.js';
import { isRealDate } from './validators.js';
import type { PiiCandidate } from './types.js';

const EXT = String.raw`(?:[ ]?(?:x|ext\.?|#)[ ]?\d{1,6})?`;

// "+44 20 7946 0958", "+41 (0)85 806 98 67", "+447700677662", "001-518-640-0854".
const INTERNATIONAL = new RegExp(
  String.raw`(?<![\w+])(?:\+|00)\d{1,14}(?:[ .-]?\(\d{1,4}\)[ .-]?\d{1,8})?(?:[ .-]\d{1,8}){0,6}` + EXT + String.raw`(?![\w])`,
  'g',
);
// "(415) 555-0132", "415.555.0132", "1-800-555-0199", "(579)888-3058x123".
const NORTH_AMERICAN = new RegExp(
  String.raw`(?<![\w+])(?:1[ .-]?)?(?:\((\d{3})\)[ .-]?|(\d{3})[ .-])(\d{3})[ .-]\d{4}` + EXT + String.raw`(?![\w-])`,
  'g',
);
// European numbers written with the national trunk prefix: "0496 46 46 70", "01.84.17.61.18", "(030) 1234567".
const TRUNK = /(?<![\w+.,/-])(?:0\d{1,4}|\(0\d{1,4}\))(?:[ ./-]?\d{2,8})(?:[ ./-]\d{2,8}){0,4}(?![\w]|[.,/:-]\d)/g;
// Anything number-shaped; accepted only next to a phone word ("Phone: 780 6326", "9498777106 fax").
const LOCAL = /(?<![\w+.,/-])(?:\(\d{2,4}\)[ ]?)?\d{2,12}(?:[ .-]\d{2,8}){0,4}(?![\w]|[.,/:-]\d)/g;

const PHONE_WORDS = [
  'phone', 'tel', 'telephone', 't[eé]l[eé]fono', 'telefon', 'mobile', 'mobil', 'cell', 'cellphone', 'handy', 'fax',
  'call', 'calling', 'ring', 'text', 'sms', 'whatsapp', 'signal', 'dial', 'contact', 'desk', 'office', 'landline',
  'hotline', 'answering', 'reach(?: me)?(?: at| on)?', '[mtfp]:',
];
// A phone word, optionally "number"/"no.", then filler such as ": ", " me at ", " Anna at ", " is ", right before the number.
const PHONE_BEFORE = new RegExp(
  String.raw`\b(?:${PHONE_WORDS.join('|')})(?:\s*(?:number|no\.?|nr\.?|#))?[\s:.#-]{0,12}(?:\p{L}{1,20}\s+)?(?:at|on|to|is|:)?\s{0,4}$`,
  'u',
);
const PHONE_AFTER = /^[\s,(–-]{0,3}(?:office|mobile|cell|fax|home|work|direct|landline|tel)\b/;
const REFERENCE_WORDS = [
  'order', 'invoice', 'ref', 'reference', 'tracking', 'account', 'acct', 'isbn', 'issn', 'serial', 'sku', 'ticket',
  'case', 'transaction', 'iban', 'zip', 'postal', 'postcode', 'plz', 'version', 'ver', 'build', 'id',
];
// Numbers right after these words are references or amounts, not phone numbers, even with a phone word further back.
const NOT_PHONE_BEFORE = new RegExp(
  String.raw`(?:\b(?:${REFERENCE_WORDS.join('|')})\b|#|\$|€|£|¥)[\s:.#-]{0,8}(?:no\.?|number|nr\.?|#)?[\s:.#-]{0,4}$`,
);

function looksLikeDate(s: string): boolean {
  const m = /^(\d{1,4})[./ -](\d{1,2})[./ -](\d{1,4})$/.exec(s.trim());
  if (!m) return false;
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if ((m[1] ?? '').length === 4) return isRealDate(a, b, c);
  return isRealDate(c, b, a) || isRealDate(c, a, b);
}

function push(out: PiiCandidate[], start: number, end: number, score: number): void {
  out.push({ entity: 'phone', start, end, score });
}

export function scanPhones(text: string, out: PiiCandidate[]): void {
  INTERNATIONAL.lastIndex = 0;
  for (let m = INTERNATIONAL.exec(text); m !== null; m = INTERNATIONAL.exec(text)) {
    const raw = m[0];
    // A "(0)" after the country code is the dropped trunk prefix, not part of the number.
    const digits = digitsOf(raw.replace(/\(0\)/, '').replace(/(?:x|ext\.?|#)[ ]?\d+$/, ''));
    if (digits.length < 8 || digits.length > 17) continue;
    const plus = raw.startsWith('+');
    if (!plus && !/[ .()-]/.test(raw)) continue; // "0012345678" is an id, "0049 30 1234567" a phone
    push(out, m.index, m.index + raw.length, plus ? 0.9 : 0.75);
  }
  NORTH_AMERICAN.lastIndex = 0;
  for (let m = NORTH_AMERICAN.exec(text); m !== null; m = NORTH_AMERICAN.exec(text)) {
    const area = m[1] ?? m[2] ?? '';
    const exchange = m[3] ?? '';
    const nanpValid = /^[2-9]/.test(area) && /^[2-9]/.test(exchange);
    if (NOT_PHONE_BEFORE.test(before(text, m.index, 20))) continue;
    const hasContext = PHONE_BEFORE.test(before(text, m.index, 30)) || PHONE_AFTER.test(after(text, m.index + m[0].length, 12));
    if (nanpValid) push(out, m.index, m.index + m[0].length, hasContext ? 0.9 : 0.8);
    else if (hasContext) push(out, m.index, m.index + m[0].length, 0.7);
  }
  TRUNK.lastIndex = 0;
  for (let m = TRUNK.exec(text); m !== null; m = TRUNK.exec(text)) {
    const raw = m[0];
    const digits = digitsOf(raw);
    if (digits.length < 9 || digits.length > 12 || looksLikeDate(raw)) continue;
    if (NOT_PHONE_BEFORE.test(before(text, m.index, 20))) continue;
    const hasContext = PHONE_BEFORE.test(before(text, m.index, 30)) || PHONE_AFTER.test(after(text, m.index + raw.length, 12));
    if (!hasContext && !/[ .()/-]/.test(raw)) continue;
    push(out, m.index, m.index + raw.length, hasContext ? 0.85 : 0.65);
  }
  LOCAL.lastIndex = 0;
  for (let m = LOCAL.exec(text); m !== null; m = LOCAL.exec(text)) {
    const raw = m[0];
    const digits = digitsOf(raw);
    if (digits.length < 7 || digits.length > 12 || looksLikeDate(raw)) continue;
    if (/^(?:19|20)\d\d$/.test(raw)) continue;
    const hasContext = PHONE_BEFORE.test(before(text, m.index, 30)) || PHONE_AFTER.test(after(text, m.index + raw.length, 12));
    if (!hasContext || NOT_PHONE_BEFORE.test(before(text, m.index, 20))) continue; // "order number 0612 345 678"
    push(out, m.index, m.index + raw.length, 0.7);
  }
}
