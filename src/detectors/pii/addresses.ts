// Street addresses: a house number and a street name with a street-type word ("221B Baker Street"), the
// continental forms ("Via Roma 131", "Hauptstraße 5", "Trenerys gate 232", "ul. Cicha 86"), PO boxes, US military
// addresses and "the corner of A and B", each extended over a unit, city, state, postcode and country that follow.
// After an address cue ("my address is", "lives at") a street needs no type word, and lower-case text counts too.
import { extendAddress, type Extension } from './address-extend.js';
import { lineTokens, tokensBefore, type Token } from './address-tokens.js';
import {
  addressCueBefore, BOX_BEFORE, BOX_WORDS, COMPOUND_ENDINGS, NOT_STREET_NAMES, NOT_STREET_PAIRS, NOT_STREETS, PARTICLES, TYPE_AFTER,
  TYPE_BEFORE, TYPE_BEFORE_NUMBER, UNIT_WORDS, WEAK_TYPE_AFTER,
} from './address-words.js';
import { isDigitCode, isWordCode } from './context.js';
import type { PiiCandidate } from './types.js';

// Every address form holds a number; numbers are rare in prose, so the scan starts from them.
const NUMBER = /\d{1,6}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?/g;
const MILITARY =
  /(?<![\w])(?:(?:PSC|CMR|Unit) \d{1,5},? Box \d{1,5}|(?:USNS|USNV|USS|USCGC) \p{Lu}[\p{L}\p{M}'’-]{1,30})[ ,]*\n?[ \t]*[AFD]PO A[AEP] \d{5}(?!\d)/gu;
// "the corner of Main St and 5th Avenue": two streets, each of up to five words, the second ending in a type word
// or a number.
// Sticky: tried only where a plain search found "orner of".
const CORNER = /corner of ((?:[\p{L}\p{N}.'’-]{1,40} ){0,5}?)(?:and|&) ([\p{L}\p{N}.'’-]{1,40}(?: [\p{L}\p{N}.'’-]{1,40}){0,4})/iuy;
// Written like a street type only in lower case: "Trenerys gate 232" is Norwegian, "Golden Gate 5" is not.
const LOWER_CASE_ONLY = new Set(['gate', 'ring', 'pad', 'hof', 'sti', 'veg', 'plass', 'torg', 'bakke', 'tie', 'u']);

function bare(word: string): string {
  const lower = word.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

function isCapitalised(word: string): boolean {
  const c = word.charCodeAt(0);
  if (c < 128) return c >= 65 && c <= 90;
  return /^\p{Lu}/u.test(word);
}

function isLetterCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127;
}

const ORDINAL = /^\d{1,3}(?:st|nd|rd|th)$/i;
const LOWER_WORD = /^\p{Ll}[\p{L}\p{M}'’-]*$/u;

/**
 * How a scan reads words: `cue` says an address cue comes shortly before; `lower` accepts lower-case street names
 * (after a cue or in lower-case text). Both are computed on first use: most numbers never need them.
 */
interface Mode {
  readonly lower: boolean;
  readonly cue: boolean;
}

class LazyMode implements Mode {
  private cached: boolean | undefined;
  private lowerAround: boolean | undefined;
  constructor(
    private readonly text: string,
    private readonly at: number,
  ) {}
  get cue(): boolean {
    this.cached ??= addressCueBefore(this.text, this.at);
    return this.cached;
  }
  get lower(): boolean {
    this.lowerAround ??= !HAS_UPPER.test(this.text.slice(Math.max(0, this.at - LOWER_CONTEXT), this.at + LOWER_CONTEXT));
    return this.lowerAround || this.cue;
  }
}

/**
 * Lower-case street names count where the text around the number has no capital letter ("eva lives at 255
 * hersnapvej 18"). Judged on this many characters either side, not on the whole text: a streamed answer is checked
 * in windows, and a capital letter far away must not change what a window finds (hold-back and non-streaming must
 * redact alike).
 */
const LOWER_CONTEXT = 48;

function isNameToken(t: Token, mode: Mode): boolean {
  return isCapitalised(t.text) || ORDINAL.test(t.text) || PARTICLES.has(t.text.toLowerCase()) || (mode.lower && LOWER_WORD.test(t.text));
}

function isStreetType(set: ReadonlySet<string>, word: string): boolean {
  const b = bare(word);
  return set.has(b) && !(LOWER_CASE_ONLY.has(b) && isCapitalised(word));
}

function isCompoundStreet(word: string, mode: Mode): boolean {
  if (!isCapitalised(word) && !mode.lower) return false;
  if (word.length < 5) return false;
  const lower = word.toLowerCase();
  if (NOT_STREETS.has(lower)) return false;
  return COMPOUND_ENDINGS.some((e) => lower.endsWith(e) && lower.length >= e.length + 3);
}

function isNumber(t: Token | undefined): boolean {
  return t !== undefined && /^\d{1,5}[A-Za-z]?\.?$/.test(t.text);
}

// Abbreviations whose full stop belongs to the address ("Baker St.", "Apt. 4B.", "Kölner Str.").
const ABBREVIATION_END = /(?:^|[^\p{L}])(?:\p{L}|st|ave|av|rd|str|dr|blvd|ln|ct|pl|sq|ter|pkwy|hwy|cres|ul|al|nr|apt|ste|fl|rm|bldg|mt|ft|n|s|e|w|ne|nw|se|sw)\.$/iu;

function emit(text: string, out: PiiCandidate[], start: number, streetEnd: number, base: number, extended: Extension): void {
  let end = extended.end;
  // A full stop after the last word ends the sentence, unless the word is an abbreviation ("St.", "Ave.").
  if (text[end - 1] === '.' && !ABBREVIATION_END.test(text.slice(Math.max(start, end - 6), end))) end--;
  out.push({ entity: 'street_address', start, end, score: Math.min(0.9, base + 0.05 * extended.pieces) });
}

/**
 * A street without a type word ("Allika 46", "20789 Edeby 55") counts when an apartment or suite, or a city and a
 * postcode, follow it, or after an address cue.
 */
function emitUntyped(text: string, out: PiiCandidate[], start: number, streetEnd: number, mode: Mode): void {
  const extended = extendAddress(text, streetEnd, mode.lower);
  if (extended.unit || extended.pieces >= 2) emit(text, out, start, streetEnd, 0.55, extended);
  else if (mode.cue) emit(text, out, start, streetEnd, 0.6, extended);
}

/** A letter, digit or underscore of any script: a house number must not be glued to one. */
function isWordChar(c: number): boolean {
  return isWordCode(c) || c > 127;
}

/** House number first: "221B Baker Street", "7873 216 Menzies Street", "63 rue de Kairouan", "764 Fagradalsbraut 71". */
/** Where a street ends: after its type word, or after the house number that follows it ("Trenerys gate 232"). */
function streetEndAt(t: Token, next: Token | undefined): number {
  return (isNumber(next) ? (next as Token) : t).end;
}

function fromHouseNumber(text: string, out: PiiCandidate[], numberStart: number, numberEnd: number, mode: Mode): void {
  const tokens = lineTokens(text, numberEnd, 8);
  let k = 0;
  if (isNumber(tokens[0]) && tokens.length > 1) k = 1; // a second number: building then street number
  const first = tokens[k];
  if (!first) return;
  if (TYPE_BEFORE.has(bare(first.text)) && (isCapitalised(first.text) || first.text.length > 1)) {
    let last = k;
    for (let j = k + 1; j < tokens.length && j <= k + 5 && isNameToken(tokens[j] as Token, mode); j++) last = j;
    if (last === k) return;
    emit(text, out, numberStart, streetEndAt(tokens[last] as Token, tokens[last + 1]), 0.75, extendAddress(text, streetEndAt(tokens[last] as Token, tokens[last + 1]), mode.lower));
    return;
  }
  if (isCompoundStreet(first.text, mode)) {
    const end = streetEndAt(first, tokens[k + 1]);
    emit(text, out, numberStart, end, 0.75, extendAddress(text, end, mode.lower));
    return;
  }
  for (let j = k + 1; j < tokens.length && j <= k + 5; j++) {
    const t = tokens[j] as Token;
    const strong = isStreetType(TYPE_AFTER, t.text);
    const weak = !strong && isStreetType(WEAK_TYPE_AFTER, t.text);
    // "Forrest Hill Road": a weak type word followed by a strong one is part of the name.
    if (weak && isStreetType(TYPE_AFTER, tokens[j + 1]?.text ?? '')) continue;
    if (strong || weak) {
      const names = tokens.slice(k, j);
      const named = names.every((n) => isNameToken(n, mode)) && names.some((n) => isCapitalised(n.text) || ORDINAL.test(n.text) || mode.lower);
      const lastName = bare((names[names.length - 1] as Token).text);
      if (!named || NOT_STREET_NAMES.has(lastName) || NOT_STREET_PAIRS.has(`${lastName} ${bare(t.text)}`)) return; // "2 Google Drive"
      const end = streetEndAt(t, tokens[j + 1]);
      const extended = extendAddress(text, end, mode.lower);
      // "Top 10 Best Ways", "3 Lake View": a weak type word needs a unit, a city or a cue.
      if (strong || extended.pieces >= 1 || mode.cue) emit(text, out, numberStart, end, strong ? 0.75 : 0.65, extended);
      return;
    }
    if (isNumber(t) && j - k <= 3 && tokens.slice(k, j).every((n) => isCapitalised(n.text) || (mode.lower && LOWER_WORD.test(n.text)))) {
      emitUntyped(text, out, numberStart, t.end, mode); // "20789 Allika 46" + "Suite 501"
      return;
    }
    if (!isNameToken(t, mode)) return;
  }
}

/**
 * Number last: "Koskikatu 25", "Koepenicker Str. 74", "Hegedűs Gyula utca 76", "Via Roma 131", "ul. Cicha 86",
 * "PO Box 1234".
 */
function fromStreetBefore(text: string, out: PiiCandidate[], numberStart: number, numberEnd: number, mode: Mode, comma = false): void {
  // With a comma between ("Calle Mayor, 5", "Via Roma, 10"), only a street-type word before the name will do.
  const before = tokensBefore(text, comma ? numberStart - 2 : numberStart, 6);
  const nearest = before[0];
  if (!nearest) return;
  if (comma) {
    for (let j = 1; j < before.length && j <= 4; j++) {
      const t = before[j] as Token;
      if (TYPE_BEFORE.has(bare(t.text))) {
        emit(text, out, t.start, numberEnd, 0.65, extendAddress(text, numberEnd, mode.lower));
        return;
      }
      if (!isNameToken(t, mode)) return;
    }
    return;
  }
  if (BOX_WORDS.has(bare(nearest.text))) {
    const box = BOX_BEFORE.exec(text.slice(Math.max(0, numberStart - 28), numberStart));
    if (box) emit(text, out, numberStart - box[0].length, numberEnd, 0.8, extendAddress(text, numberEnd, mode.lower));
    return;
  }
  if (isCompoundStreet(nearest.text, mode)) {
    emit(text, out, nearest.start, numberEnd, 0.7, extendAddress(text, numberEnd, mode.lower));
    return;
  }
  if (isStreetType(TYPE_BEFORE_NUMBER, nearest.text)) {
    let start = -1;
    for (let j = 1; j < before.length && j <= 3 && isCapitalised((before[j] as Token).text); j++) start = (before[j] as Token).start;
    if (start !== -1) emit(text, out, start, numberEnd, 0.7, extendAddress(text, numberEnd, mode.lower));
    return;
  }
  // A type word further back, with only name words between: "Via Roma 131", "Rua da Igreja 25".
  if (!isNameToken(nearest, mode)) return;
  for (let j = 1; j < before.length; j++) {
    const t = before[j] as Token;
    const lower = bare(t.text);
    if (TYPE_BEFORE.has(lower) && (isCapitalised(t.text) || lower.length <= 3 || mode.lower)) {
      emit(text, out, t.start, numberEnd, 0.7, extendAddress(text, numberEnd, mode.lower));
      return;
    }
    if (!isNameToken(t, mode)) break;
  }
  // "Allika 46" alone on its line, then "Suite 501": a street without a type word. With a house number in front,
  // fromHouseNumber has already seen it.
  let count = 0;
  while (count < before.length && count < 3 && isCapitalised((before[count] as Token).text)) count++;
  if (before.slice(0, count).some((t) => UNIT_WORDS.has(bare(t.text)))) return; // "Suite 501" is a unit, not a street
  const first = before[count - 1];
  if (count === 0 || !first || count < before.length) return;
  const lineStart = first.start === 0 || /[\n>:]/.test(text.slice(Math.max(0, first.start - 3), first.start));
  if (lineStart || mode.cue) emitUntyped(text, out, first.start, numberEnd, mode);
}

/** "the corner of Main St and 5th Avenue": both streets, when either is street-like. */
function scanCorners(text: string, out: PiiCandidate[]): void {
  for (let at = text.indexOf('orner of'); at > 0; at = text.indexOf('orner of', at + 8)) {
    if (/[\p{L}\p{N}]/u.test(text[at - 2] ?? '')) continue; // "Cornerstone", "scorner of"
    CORNER.lastIndex = at - 1;
    const m = CORNER.exec(text);
    if (!m) continue;
    const raw = m[2] ?? '';
    const second = ABBREVIATION_END.test(raw) ? raw : raw.replace(/[.,;:!?]+$/, '');
    const words = `${m[1] ?? ''}${second}`.split(' ').filter((w) => w !== '');
    const streety = words.some((w) => TYPE_AFTER.has(bare(w)) || WEAK_TYPE_AFTER.has(bare(w)) || TYPE_BEFORE.has(bare(w)) || /^\d/.test(w));
    // The second street is a name ("Main", "5th Avenue"), not "the park".
    if (!streety || !/^[\p{Lu}\d]/u.test(second)) continue;
    const end = m.index + m[0].length - raw.length + second.length;
    // Above a single street inside it, so the whole crossing wins the overlap.
    out.push({ entity: 'street_address', start: m.index, end, score: 0.85 });
  }
}

// "ул. Тверская, д. 7, кв. 12": Russian street type, name, house ("д.") and flat ("кв.") numbers.
const RUSSIAN = /(?:ул\.|улица|пр-т|проспект|пер\.|переулок|б-р|бульвар|наб\.|набережная|ш\.|шоссе|пл\.|площадь) ?\p{Lu}[\p{L}-]{1,30}(?: \p{Lu}[\p{L}-]{1,30})?,? (?:д\.|дом) ?\d{1,4}[а-я]?(?:,? (?:кв\.|квартира) ?\d{1,4})?/gu;

function scanRussian(text: string, out: PiiCandidate[]): void {
  RUSSIAN.lastIndex = 0;
  for (let m = RUSSIAN.exec(text); m !== null; m = RUSSIAN.exec(text)) {
    const end = m.index + m[0].length;
    emit(text, out, m.index, end, 0.75, extendAddress(text, end));
  }
}

const HAS_UPPER = /\p{Lu}/u;

export function scanAddresses(text: string, out: PiiCandidate[]): void {
  NUMBER.lastIndex = 0;
  for (let m = NUMBER.exec(text); m !== null; m = NUMBER.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    const prev = start > 0 ? text.charCodeAt(start - 1) : 32;
    const next = end < text.length ? text.charCodeAt(end) : 32;
    if (isWordChar(next)) continue;
    const mode = new LazyMode(text, start);
    // "…123 Baker": a clean left edge, a space, then a letter or another number.
    if (next === 32 && !isWordChar(prev) && !/[.,:/#+-]/.test(text[start - 1] ?? '')) {
      // The street name starts with a letter, or with a second number and then a letter ("7873 216 Menzies").
      let i = end + 1;
      if (isDigitCode(text.charCodeAt(i))) {
        while (i < text.length && i - end < 8 && isDigitCode(text.charCodeAt(i))) i++;
        if (text.charCodeAt(i) === 32) i++;
      }
      if (isLetterCode(text.charCodeAt(i))) fromHouseNumber(text, out, start, end, mode);
    }
    // "12, rue de la Paix": a house number, a comma, then a street-type word; not "Hauptstraße 5, Via Roma 131".
    if (next === 44 && text.charCodeAt(end + 1) === 32 && !isWordChar(prev) && !/\p{Lu}[\p{L}.]* $/u.test(text.slice(Math.max(0, start - 24), start))) {
      const word = lineTokens(text, end + 2, 1)[0];
      if (word && TYPE_BEFORE.has(bare(word.text))) fromHouseNumber(text, out, start, end + 1, mode);
    }
    // "... Roma 131", "... Str. 74", "... Box 12": a word right before the number; "Calle Mayor, 5" with a comma.
    const beforeSpace = start > 1 ? text.charCodeAt(start - 2) : 32;
    if (prev === 32 && (isLetterCode(beforeSpace) || beforeSpace === 46)) fromStreetBefore(text, out, start, end, mode);
    else if (prev === 32 && beforeSpace === 44 && start > 2 && isLetterCode(text.charCodeAt(start - 3))) {
      fromStreetBefore(text, out, start, end, mode, true);
    }
  }
  if (text.includes('PO A')) {
    MILITARY.lastIndex = 0;
    for (let m = MILITARY.exec(text); m !== null; m = MILITARY.exec(text)) {
      out.push({ entity: 'street_address', start: m.index, end: m.index + m[0].length, score: 0.85 });
    }
  }
  if (text.includes('orner of')) scanCorners(text, out);
  if (text.includes('д.') || text.includes('дом ')) scanRussian(text, out);
}
