// Payment card numbers (IIN range + length + Luhn) and IBANs (country length + mod 97), plain or in groups.
import { before, isWordCode } from './context.js';
import { cardBrand, IBAN_LENGTHS, ibanValid, luhnValid } from './validators.js';
import type { PiiCandidate } from './types.js';

// 12-19 digits, optionally split by single spaces or dashes; grouping is checked in code.
const CARD = /(?<![\w.,+-])\d(?:[ -]?\d){11,18}(?![\w]|[.,]\d)/g;
const CARD_CONTEXT = new RegExp(
  String.raw`\b(?:card|cc|credit|debit|visa|master ?card|amex|american express|discover|maestro|jcb|diners|unionpay|pan` +
    String.raw`|kreditkarte|carte|tarjeta|carta)\b`,
);

interface Group {
  at: number;
  digits: string;
}

/** Accepts "4111111111111111", "4111 1111 1111 1111", Amex "3782 822463 10005" and Diners "3056 930902 5904". */
function groupingOk(groups: readonly Group[], first: number, count: number): boolean {
  if (count === 1) return true;
  const size = (i: number): number => groups[first + i]?.digits.length ?? 0;
  if (count === 3 && size(0) === 4 && size(1) === 6 && (size(2) === 5 || size(2) === 4)) return true;
  for (let i = 0; i < count - 1; i++) if (size(i) !== 4) return false;
  return size(count - 1) <= 4;
}

export function scanCards(text: string, out: PiiCandidate[]): void {
  CARD.lastIndex = 0;
  for (let m = CARD.exec(text); m !== null; m = CARD.exec(text)) {
    const raw = m[0];
    if (raw.includes(' ') && raw.includes('-')) continue; // mixed separators: not a card as people write it
    const groups: Group[] = [...raw.matchAll(/\d+/g)].map((g) => ({ at: g.index, digits: g[0] }));
    // With separators, every group but the last is four digits long (Amex and Diners: 4-6-5, 4-6-4), so a run
    // without any four-digit group can only hold a card as one long group.
    if (groups.length > 1 && !groups.some((g) => g.digits.length === 4 || g.digits.length >= 12)) continue;
    const prefix = [0];
    for (const g of groups) prefix.push((prefix[prefix.length - 1] ?? 0) + g.digits.length);
    // A run can hold a card next to another number ("12 4111 1111 1111 1111"): try windows of whole groups,
    // longest first. At most 19 groups, and the digit count is checked before anything is built.
    let found = false;
    for (let count = groups.length; count >= 1 && !found; count--) {
      for (let first = 0; first + count <= groups.length && !found; first++) {
        const n = (prefix[first + count] ?? 0) - (prefix[first] ?? 0);
        if (n < 12 || n > 19 || !groupingOk(groups, first, count)) continue;
        const window = groups.slice(first, first + count);
        const digits = window.map((g) => g.digits).join('');
        if (!luhnValid(digits)) continue;
        // Issuers outside the known ranges still count after a card cue ("card number 3598 ..."), with a plausible
        // first digit (2-6: the payment-card industries) and a standard length.
        const cued = CARD_CONTEXT.test(before(text, m.index + (groups[first]?.at ?? 0), 40));
        const brand = cardBrand(digits) ?? (cued && /^[2-6]/.test(digits) && (n === 15 || n === 16) ? 'unknown' : undefined);
        if (brand === undefined) continue;
        const last = window[window.length - 1];
        const start = m.index + (window[0]?.at ?? 0);
        const end = m.index + (last ? last.at + last.digits.length : raw.length);
        const score = brand === 'unknown' ? 0.8 : cued || count > 1 ? 0.95 : 0.9;
        out.push({ entity: 'credit_card', start, end, score, detail: { brand } });
        found = true;
      }
    }
  }
}

// An IBAN starts with a country code and two check digits; the rest is collected by hand (see scanIbans).
const IBAN_START = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?=[ ]?[A-Za-z0-9])/g;
const IBAN_CONTEXT = /\b(?:iban|bank|account|konto|compte|cuenta|conto|rekening|kontonummer|bic|swift|transfer|überweisung|virement)\b/;

function isAlnumCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export function scanIbans(text: string, out: PiiCandidate[]): void {
  IBAN_START.lastIndex = 0;
  for (let m = IBAN_START.exec(text); m !== null; m = IBAN_START.exec(text)) {
    const country = m[0].slice(0, 2).toUpperCase();
    const length = IBAN_LENGTHS[country];
    if (length === undefined) continue;
    // Collect exactly `length` alphanumerics, allowing one space between characters (groups of four on paper).
    let i = m.index;
    let compact = '';
    while (i < text.length && compact.length < length) {
      const c = text.charCodeAt(i);
      if (isAlnumCode(c)) {
        compact += text[i];
        i++;
      } else if (c === 32 && compact.length > 0 && i + 1 < text.length && isAlnumCode(text.charCodeAt(i + 1))) {
        i++;
      } else break;
    }
    if (compact.length !== length || (i < text.length && isWordCode(text.charCodeAt(i)))) continue;
    const upper = compact.toUpperCase();
    if (!ibanValid(upper)) continue;
    const context = IBAN_CONTEXT.test(before(text, m.index, 40));
    out.push({ entity: 'iban', start: m.index, end: i, score: context ? 0.99 : 0.97, detail: { country } });
  }
}
