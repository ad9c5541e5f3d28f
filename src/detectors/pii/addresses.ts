// Street addresses: a house number and a street name with a street-type word ("221B Baker Street"), the
// continental forms ("Via Roma 131", "Hauptstraße 5", "Koskikatu 25"), PO boxes and US military addresses,
// each extended over a unit, city, state and postcode that follow.
import { lineTokens, tokensBefore, type Token } from './address-tokens.js';
import { isDigitCode, isWordCode } from './context.js';
import type { PiiCandidate } from './types.js';

// Street-type words written after the name, as separate words ("Baker Street", "Kölner Str.", "Rákóczi út").
const TYPE_AFTER = new Set(
  `street st str strasse straße avenue ave av road rd boulevard blvd lane ln drive dr court ct crt place pl square sq
  terrace ter terr way parkway pkwy highway hwy circle cir trail trl crescent cres close grove row alley plaza mews
  walk path pike loop crossing expressway expy freeway turnpike causeway esplanade parade quay wharf rise gardens
  heights route rte broadway utca u út ut tér körút krt gasse weg allee platz ring damm ufer chaussee laan straat plein
  gracht kade vej gade allé gata gatan vägen väg katu tie kuja ulica cesta caddesi cadde sokak sokağı tänav mnt iela`.split(/\s+/),
);
// The continental subset of TYPE_AFTER, whose house number follows the street ("Kölner Str. 5", "Rákóczi út 13");
// English types are left out here because "Google Drive 2" or "Critical Path 3" are not addresses.
const TYPE_BEFORE_NUMBER = new Set(
  `str strasse straße utca u út ut tér körút krt gasse weg allee platz ring damm ufer chaussee laan straat plein gracht
  kade vej gade allé gata gatan vägen väg katu tie kuja ulica cesta caddesi cadde sokak sokağı tänav mnt iela`.split(/\s+/),
);
// Street-type words written before the name ("Rue de Rivoli", "Calle Mayor", "ul. Cicha").
const TYPE_BEFORE = new Set(
  `rue via viale corso piazza piazzale vicolo largo strada calle avenida avda rua travessa praça praca alameda estrada
  carrer passeig plaza paseo camino carretera ronda chemin allée impasse quai cours avenue boulevard route ulica ul al
  aleja plac bulevar bulevardul`.split(/\s+/),
);
// Endings of one-word street names in German, Dutch, Nordic and Finnish ("Hauptstraße", "Vesterskovvej").
const COMPOUND_ENDINGS = [
  'straße', 'strasse', 'str.', 'weg', 'gasse', 'allee', 'platz', 'damm', 'ufer', 'steig', 'straat', 'laan',
  'plein', 'gracht', 'kade', 'singel', 'dreef', 'vej', 'gade', 'allé', 'stræde', 'gatan', 'vägen', 'gränd',
  'stigen', 'gata', 'veien', 'vegen', 'katu', 'tie', 'kuja', 'polku', 'väylä', 'kaari', 'braut', 'vegur', 'stræti',
  'straeti',
];
const NOT_STREETS = new Set(['brigade', 'renegade', 'cutie', 'hottie', 'rookie', 'necktie', 'bowtie', 'potpie', 'weg']);
// Words that make "Drive", "Loop", "Court", "Path" ... something other than a street ("Google Drive", "Event Loop").
const NOT_STREET_NAMES = new Set(
  `google hard test flash disk cloud usb thumb external network one no first second third front back supreme high food
  critical career event infinite for while death moon milky`.split(/\s+/),
);
const UNIT_WORDS = new Set(['apt', 'apartment', 'suite', 'ste', 'unit', 'flat', 'floor', 'fl', 'room', 'rm', 'bldg', 'building', 'box']);
const PARTICLES = new Set(
  `de del della delle dei degli di da do dos das des du la le les el los las y e van von der den ter ten am an auf
  im zum zur of the st st. saint sainte san santa são sao d' l'`.split(/\s+/),
);

// Every address form holds a number; numbers are rare in prose, so the scan starts from them.
const NUMBER = /\d{1,6}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?/g;
const BOX_WORDS = new Set(['box', 'postfach', 'apartado', 'correos', 'postale']);
const BOX_BEFORE = /(?:P\.? ?O\.? ?Box|Post Office Box|Postfach|Apartado(?: de correos)?|Case postale|Boîte postale)[ ]{0,3}$/i;
const MILITARY = /(?<![\w])(?:(?:PSC|CMR|Unit) \d{1,5},? Box \d{1,5}|USN[SV] \p{Lu}[\p{L}\p{M}'’-]{1,30})[ ,]*\n?[ \t]*[AFD]PO A[AEP] \d{5}(?!\d)/gu;

// Pieces that may follow a street: unit, postcode, state, city. SEP: spaces or a comma, and at most one blank
// line, each line possibly quoted with '>' as in e-mail replies.
const SEP = String.raw`[ \t]*[,.]?(?:[ \t]*\n[ \t]*(?:>[ \t]*)?){0,2}[ \t]*`;
const UNIT = new RegExp(
  SEP +
    String.raw`(?:apt\.?|apartment|suite|ste\.?|unit|flat|floor|fl\.?|room|rm\.?|bldg\.?|building|#)[ ]?#?[ ]?` +
    String.raw`(?:[A-Za-z]?\d[A-Za-z0-9-]{0,5}|[A-Za-z])(?![\w])`,
  'iy',
);
// US ZIP (+4), numeric postcodes, UK and Canadian postcodes.
const POSTCODE = new RegExp(
  SEP + String.raw`(?:\d{5}(?:-\d{4})?|\d{4,6}|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d)(?![\w])`,
  'y',
);
const STATE = /[ ,]*[A-Z]{2,3}(?![\p{L}\d])/uy;
// "10115 Berlin", "75001 Paris": the city after a postcode, on the same line.
const CITY_AFTER_POSTCODE = /[ \t]+(\p{Lu}[\p{L}\p{M}'’.-]{1,30})(?:[ -]\p{Lu}[\p{L}\p{M}'’.-]{1,30}){0,2}(?=[ \t]*(?:[,\n.;)]|$))/uy;
const DIRECTION = /[ ]+(?:N|S|E|W|NE|NW|SE|SW)\.?(?![\p{L}\d])/uy;
// A city or country line: one to three capitalised words ending the line, or before a comma or a postcode.
const PLACE = new RegExp(
  String.raw`(?:[ \t]*,[ \t]*(?:\n[ \t]*(?:>[ \t]*)?)?|(?:[ \t]*\n[ \t]*(?:>[ \t]*)?){1,2})` +
    String.raw`(\p{Lu}[\p{L}\p{M}'’.-]{1,30})(?:[ -]\p{Lu}[\p{L}\p{M}'’.-]{1,30}){0,2}` +
    String.raw`(?=[ \t]*(?:[,\n.]|$)|[ \t]+(?:\d|[A-Z]{1,2}\d))`,
  'uy',
);

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

function isNameToken(t: Token): boolean {
  return isCapitalised(t.text) || ORDINAL.test(t.text) || PARTICLES.has(t.text.toLowerCase());
}

function isCompoundStreet(word: string): boolean {
  if (!isCapitalised(word)) return false;
  const lower = word.toLowerCase();
  if (NOT_STREETS.has(lower)) return false;
  return COMPOUND_ENDINGS.some((e) => lower.endsWith(e) && lower.length >= e.length + 3);
}

function isNumber(t: Token | undefined): boolean {
  return t !== undefined && /^\d{1,5}[A-Za-z]?\.?$/.test(t.text);
}

interface Extension {
  end: number;
  pieces: number;
  /** An apartment, suite or unit was among the pieces: a strong sign of an address. */
  unit: boolean;
}

/** Extends a street over the unit, city, state and postcode after it. */
function extend(text: string, end: number): Extension {
  let pieces = 0;
  let unit = false;
  let previous: RegExp | undefined;
  for (let round = 0; round < 6; round++) {
    let moved = false;
    for (const re of [UNIT, POSTCODE, PLACE, STATE, DIRECTION, CITY_AFTER_POSTCODE]) {
      if (re === STATE && previous !== PLACE) continue; // "Springfield, IL": a state code only follows a city
      if (re === CITY_AFTER_POSTCODE && previous !== POSTCODE) continue;
      if (re === DIRECTION && round > 0) continue; // "Pennsylvania Avenue NW"
      re.lastIndex = end;
      const m = re.exec(text);
      if (!m || m[0].trim() === '') continue;
      // A following street or box ("..., Via Roma 131", "..., PO Box 7") is an address of its own.
      if (re === PLACE && (TYPE_BEFORE.has(bare(m[1] ?? '')) || /^(?:P\.? ?O\b|Post|Apartado)/i.test(m[1] ?? ''))) continue;
      end = re.lastIndex;
      pieces++;
      if (re === UNIT) unit = true;
      previous = re;
      moved = true;
      break;
    }
    if (!moved) break;
  }
  return { end, pieces, unit };
}

function emit(text: string, out: PiiCandidate[], start: number, streetEnd: number, base: number, extended = extend(text, streetEnd)): void {
  let end = extended.end;
  // A full stop after the last word ends the sentence, unless the word is an abbreviation ("St.", "Ave.").
  if (text[end - 1] === '.' && !/(?:^|[^\p{L}])\p{L}{1,4}\.$/u.test(text.slice(Math.max(start, end - 6), end))) {
    end--;
  }
  out.push({ entity: 'street_address', start, end, score: Math.min(0.9, base + 0.05 * extended.pieces) });
}

/**
 * A street without a type word ("Allika 46", "20789 Edeby 55") counts only when an apartment or suite, or a city
 * and a postcode, follow it.
 */
function emitUntyped(text: string, out: PiiCandidate[], start: number, streetEnd: number): void {
  const extended = extend(text, streetEnd);
  if (extended.unit || extended.pieces >= 2) emit(text, out, start, streetEnd, 0.55, extended);
}

/** A letter, digit or underscore of any script: a house number must not be glued to one. */
function isWordChar(c: number): boolean {
  return isWordCode(c) || c > 127;
}

/** House number first: "221B Baker Street", "7873 216 Menzies Street", "63 Rue de Kairouan", "764 Fagradalsbraut 71". */
function fromHouseNumber(text: string, out: PiiCandidate[], numberStart: number, numberEnd: number): void {
  const tokens = lineTokens(text, numberEnd, 8);
  let k = 0;
  if (isNumber(tokens[0]) && tokens.length > 1) k = 1; // a second number: building then street number
  const first = tokens[k];
  if (!first) return;
  if (TYPE_BEFORE.has(bare(first.text)) && isCapitalised(first.text)) {
    let last = k;
    for (let j = k + 1; j < tokens.length && j <= k + 5 && isNameToken(tokens[j] as Token); j++) last = j;
    if (last === k) return;
    if (isNumber(tokens[last + 1])) last++;
    emit(text, out, numberStart, (tokens[last] as Token).end, 0.75);
    return;
  }
  if (isCompoundStreet(first.text)) {
    emit(text, out, numberStart, (isNumber(tokens[k + 1]) ? (tokens[k + 1] as Token) : first).end, 0.75);
    return;
  }
  for (let j = k + 1; j < tokens.length && j <= k + 5; j++) {
    const t = tokens[j] as Token;
    if (TYPE_AFTER.has(bare(t.text))) {
      const names = tokens.slice(k, j);
      if (!names.every(isNameToken) || !names.some((n) => isCapitalised(n.text) || ORDINAL.test(n.text))) return;
      if (NOT_STREET_NAMES.has(bare((names[names.length - 1] as Token).text))) return; // "2 Google Drive"
      emit(text, out, numberStart, (isNumber(tokens[j + 1]) ? (tokens[j + 1] as Token) : t).end, 0.75);
      return;
    }
    if (isNumber(t) && j - k <= 3 && tokens.slice(k, j).every((n) => isCapitalised(n.text))) {
      emitUntyped(text, out, numberStart, t.end); // "20789 Allika 46" + "Suite 501"
      return;
    }
    if (!isNameToken(t)) return;
  }
}

/**
 * Number last: "Koskikatu 25", "Koepenicker Str. 74", "Hegedűs Gyula utca 76", "Via Roma 131", "ul. Cicha 86",
 * "PO Box 1234".
 */
function fromStreetBefore(text: string, out: PiiCandidate[], numberStart: number, numberEnd: number): void {
  const before = tokensBefore(text, numberStart, 6);
  const nearest = before[0];
  if (!nearest) return;
  if (BOX_WORDS.has(bare(nearest.text))) {
    const box = BOX_BEFORE.exec(text.slice(Math.max(0, numberStart - 28), numberStart));
    if (box) emit(text, out, numberStart - box[0].length, numberEnd, 0.8);
    return;
  }
  if (isCompoundStreet(nearest.text)) {
    emit(text, out, nearest.start, numberEnd, 0.7);
    return;
  }
  if (TYPE_BEFORE_NUMBER.has(bare(nearest.text))) {
    let start = -1;
    for (let j = 1; j < before.length && j <= 3 && isCapitalised((before[j] as Token).text); j++) start = (before[j] as Token).start;
    if (start !== -1) emit(text, out, start, numberEnd, 0.7);
    return;
  }
  // A type word further back, with only name words between: "Via Roma 131", "Rua da Igreja 25".
  if (!isNameToken(nearest)) return;
  for (let j = 1; j < before.length; j++) {
    const t = before[j] as Token;
    const lower = bare(t.text);
    if (TYPE_BEFORE.has(lower) && (isCapitalised(t.text) || lower === 'ul' || lower === 'al')) {
      emit(text, out, t.start, numberEnd, 0.7);
      return;
    }
    if (!isNameToken(t)) break;
  }
  // "Allika 46" alone on its line, then "Suite 501": a street without a type word. With a house number in front,
  // fromHouseNumber has already seen it.
  let count = 0;
  while (count < before.length && count < 3 && isCapitalised((before[count] as Token).text)) count++;
  if (before.slice(0, count).some((t) => UNIT_WORDS.has(bare(t.text)))) return; // "Suite 501" is a unit, not a street
  const first = before[count - 1];
  if (count === 0 || !first || count < before.length) return;
  const lineStart = first.start === 0 || /[\n>:]/.test(text.slice(Math.max(0, first.start - 3), first.start));
  if (lineStart) emitUntyped(text, out, first.start, numberEnd);
}

export function scanAddresses(text: string, out: PiiCandidate[]): void {
  NUMBER.lastIndex = 0;
  for (let m = NUMBER.exec(text); m !== null; m = NUMBER.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    const prev = start > 0 ? text.charCodeAt(start - 1) : 32;
    const next = end < text.length ? text.charCodeAt(end) : 32;
    if (isWordChar(next)) continue;
    // "…123 Baker": a clean left edge, a space, then a letter or another number.
    if (next === 32 && !isWordChar(prev) && !/[.,:/#+-]/.test(text[start - 1] ?? '')) {
      // The street name starts with a letter, or with a second number and then a letter ("7873 216 Menzies").
      let i = end + 1;
      if (isDigitCode(text.charCodeAt(i))) {
        while (i < text.length && i - end < 8 && isDigitCode(text.charCodeAt(i))) i++;
        if (text.charCodeAt(i) === 32) i++;
      }
      if (isLetterCode(text.charCodeAt(i))) fromHouseNumber(text, out, start, end);
    }
    // "... Roma 131", "... Str. 74", "... Box 12": a word right before the number.
    const beforeSpace = start > 1 ? text.charCodeAt(start - 2) : 32;
    if (prev === 32 && (isLetterCode(beforeSpace) || beforeSpace === 46)) fromStreetBefore(text, out, start, end);
  }
  if (text.includes('PO A')) {
    MILITARY.lastIndex = 0;
    for (let m = MILITARY.exec(text); m !== null; m = MILITARY.exec(text)) emit(text, out, m.index, m.index + m[0].length, 0.85);
  }
}
