// Evidence strings for pii findings: enough shape to recognise the kind of value, never the value itself.
import type { PiiEntity } from './types.js';

const MAX_EVIDENCE = 48;

const ALNUM = /[\p{L}\p{N}]/gu;

/** Replaces letters and digits by '*', keeping separators, the first `keepStart` and last `keepEnd` of them. */
export function maskKeepEnds(value: string, keepStart: number, keepEnd: number): string {
  const total = value.match(ALNUM)?.length ?? 0;
  // Never reveal more than half of the characters, whatever was asked.
  const budget = Math.floor(total / 2);
  const start = Math.min(keepStart, budget);
  const end = Math.min(keepEnd, budget - start);
  let seen = 0;
  const out = value.replace(ALNUM, (c) => {
    seen++;
    return seen <= start || seen > total - end ? c : '*';
  });
  return out.length > MAX_EVIDENCE ? `${out.slice(0, MAX_EVIDENCE - 1)}…` : out;
}

/** "jane.doe@example.com" -> "j***@e***.com". */
function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const tld = dot === -1 ? '' : domain.slice(dot);
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***${tld}`;
}

/** "Jane Q. Doe" -> "J*** Q. D***": the first character of each word, single initials as they are. */
function maskWords(value: string): string {
  const out = value
    .split(/(\s+)/)
    .map((w) => ((w.match(/[\p{L}\p{N}]/gu) ?? []).length < 2 ? w : `${Array.from(w)[0] ?? ''}***`))
    .join('');
  return out.length > MAX_EVIDENCE ? `${out.slice(0, MAX_EVIDENCE - 1)}…` : out;
}

/** Masked evidence for one matched value. */
export function maskPii(entity: PiiEntity, value: string): string {
  switch (entity) {
    case 'email':
      return maskEmail(value);
    case 'credit_card':
      return maskKeepEnds(value, 0, 4);
    case 'iban':
      return maskKeepEnds(value, 2, 4);
    case 'phone':
      return maskKeepEnds(value, 0, 2);
    case 'us_ssn':
    case 'date_of_birth':
      return maskKeepEnds(value, 0, 0);
    case 'ip_address': {
      const dot = value.indexOf('.');
      const colon = value.indexOf(':');
      const cut = dot !== -1 ? dot : colon;
      return cut === -1 ? maskKeepEnds(value, 0, 0) : value.slice(0, cut + 1) + maskKeepEnds(value.slice(cut + 1), 0, 0);
    }
    case 'person':
    case 'street_address':
      return maskWords(value.replace(/\s+/g, ' '));
    case 'passport':
    case 'driver_license':
    case 'national_id':
      return maskKeepEnds(value, 0, 2);
  }
}
