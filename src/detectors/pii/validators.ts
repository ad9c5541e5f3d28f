// Checksums and validity rules that turn a digit pattern into a credible identifier: Luhn, IIN, IBAN, SSN, IP, dates.

/** Luhn (mod 10) check over a string of ASCII digits. */
export function luhnValid(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

interface IinRange {
  brand: string;
  /** Inclusive prefix range, compared on the first `from.length` digits. */
  from: string;
  to: string;
  lengths: readonly number[];
}

const L16_19 = [16, 17, 18, 19];
const L12_19 = [12, 13, 14, 15, 16, 17, 18, 19];

// Issuer identification number ranges of the major networks (public scheme documentation). Order matters:
// the more specific range comes first (Discover's UnionPay co-brand range before UnionPay, Mir before Mastercard).
const IIN_RANGES: readonly IinRange[] = [
  { brand: 'amex', from: '34', to: '34', lengths: [15] },
  { brand: 'amex', from: '37', to: '37', lengths: [15] },
  { brand: 'visa', from: '4', to: '4', lengths: [13, 16, 19] },
  { brand: 'mir', from: '2200', to: '2204', lengths: L16_19 },
  { brand: 'mastercard', from: '51', to: '55', lengths: [16] },
  { brand: 'mastercard', from: '2221', to: '2720', lengths: [16] },
  { brand: 'discover', from: '6011', to: '6011', lengths: L16_19 },
  { brand: 'discover', from: '644', to: '649', lengths: L16_19 },
  { brand: 'discover', from: '65', to: '65', lengths: L16_19 },
  { brand: 'discover', from: '622126', to: '622925', lengths: L16_19 },
  { brand: 'unionpay', from: '62', to: '62', lengths: L16_19 },
  { brand: 'diners', from: '300', to: '305', lengths: [14, 15, 16, 17, 18, 19] },
  { brand: 'diners', from: '3095', to: '3095', lengths: [14, 15, 16, 17, 18, 19] },
  { brand: 'diners', from: '36', to: '36', lengths: [14, 15, 16, 17, 18, 19] },
  { brand: 'diners', from: '38', to: '39', lengths: [14, 16, 17, 18, 19] },
  { brand: 'jcb', from: '3528', to: '3589', lengths: L16_19 },
  // Older 15-digit JCB ranges, still seen in test data and legacy systems.
  { brand: 'jcb', from: '1800', to: '1800', lengths: [15] },
  { brand: 'jcb', from: '2131', to: '2131', lengths: [15] },
  { brand: 'maestro', from: '50', to: '50', lengths: L12_19 },
  { brand: 'maestro', from: '56', to: '69', lengths: L12_19 },
];

/** Card network whose IIN range and length fit `digits`, or undefined. */
export function cardBrand(digits: string): string | undefined {
  for (const r of IIN_RANGES) {
    const prefix = digits.slice(0, r.from.length);
    if (prefix >= r.from && prefix <= r.to && r.lengths.includes(digits.length)) return r.brand;
  }
  return undefined;
}

/** A payment card number: known IIN range with a fitting length, and a valid Luhn check digit. */
export function isCardNumber(digits: string): boolean {
  return digits.length >= 12 && digits.length <= 19 && cardBrand(digits) !== undefined && luhnValid(digits);
}

/**
 * IBAN length per country (ISO 13616 registry, SWIFT IBAN registry release of 2024). Territories that use
 * their parent's code (e.g. French overseas departments with FR) are covered by the parent.
 */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21,
  CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18,
  FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23,
  IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27,
  MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28,
  PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27,
  SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/** ISO 7064 mod 97-10 over an IBAN given without spaces, upper case. */
function ibanMod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else rem = (rem * 100 + (c - 55)) % 97; // 'A' (65) -> 10 ... 'Z' -> 35
  }
  return rem;
}

/** True for a compact upper-case IBAN with a known country, the right length and a valid mod-97 check. */
export function ibanValid(compact: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact)) return false;
  const len = IBAN_LENGTHS[compact.slice(0, 2)];
  if (len === undefined || compact.length !== len) return false;
  const check = Number(compact.slice(2, 4));
  if (check < 2 || check > 98) return false;
  return ibanMod97(compact) === 1;
}

/**
 * US Social Security number rules (SSA): area not 000, 666 or 900-999; group not 00; serial not 0000.
 * Also refuses the few numbers known from advertising and documentation (078-05-1120, 219-09-9999).
 */
export function ssnValid(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area[0] === '9') return false;
  if (group === '00' || serial === '0000') return false;
  const whole = `${area}${group}${serial}`;
  return whole !== '078051120' && whole !== '219099999';
}

/** Parses a dotted-quad IPv4 address (no leading zeros); returns the four octets or undefined. */
export function parseIpv4(s: string): [number, number, number, number] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(?:0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out as [number, number, number, number];
}

/** Parses an IPv6 address (RFC 4291 text forms, optional trailing dotted quad) into eight 16-bit groups. */
export function parseIpv6(s: string): number[] | undefined {
  if (s.length < 2 || s.length > 45) return undefined;
  let text = s;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (lastColon === -1) return undefined;
  if (text.indexOf('.', lastColon) !== -1) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (!v4) return undefined;
    tail.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    text = text.slice(0, lastColon + 1);
    // "::ffff:1.2.3.4" leaves "::ffff:", whose trailing single colon only separated the quad.
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? '');
  const rest = parseGroups(halves[1] ?? '');
  if (!head || !rest) return undefined;
  const explicit = head.length + rest.length + tail.length;
  if (halves.length === 1) return explicit === 8 ? [...head, ...tail] : undefined;
  if (explicit > 7) return undefined;
  return [...head, ...new Array<number>(8 - explicit).fill(0), ...rest, ...tail];
}

function parseGroups(part: string): number[] | undefined {
  if (part === '') return [];
  const groups: number[] = [];
  for (const g of part.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    groups.push(parseInt(g, 16));
  }
  return groups;
}

/** Calendar check for a day-month-year triple; two-digit years are read as 19xx/20xx. */
export function isRealDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  const dim = [31, (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= (dim[month - 1] ?? 0);
}

/** A plausible date of birth year: 1900 up to the current year. */
export function isBirthYear(year: number, now: Date = new Date()): boolean {
  return year >= 1900 && year <= now.getUTCFullYear();
}
