// Government identifiers: US Social Security numbers (SSA validity rules) and, only after a naming cue,
// passport, driver's licence and national id numbers, whose formats vary too much to find without one.
import { before } from './context.js';
import { ssnValid } from './validators.js';
import type { PiiCandidate, PiiEntity } from './types.js';

const SSN_DASHED = /(?<![\w-])(\d{3})-(\d{2})-(\d{4})(?![\w-])/g;
const SSN_LOOSE = /(?<![\w-])(\d{3}) ?(\d{2}) ?(\d{4})(?![\w-]| \d)/g;
const SSN_CONTEXT =
  /\b(?:ssn|ss#|ss no|social security|soc\.? ?sec\.?|sozialversicherungsnummer)\b[\s\S]{0,24}$/;

export function scanSsns(text: string, out: PiiCandidate[]): void {
  SSN_DASHED.lastIndex = 0;
  for (let m = SSN_DASHED.exec(text); m !== null; m = SSN_DASHED.exec(text)) {
    if (!ssnValid(m[1] ?? '', m[2] ?? '', m[3] ?? '')) continue;
    const context = SSN_CONTEXT.test(before(text, m.index, 40));
    out.push({ entity: 'us_ssn', start: m.index, end: m.index + m[0].length, score: context ? 0.95 : 0.85 });
  }
  // "123 45 6789" and "123456789" are ordinary numbers unless someone calls them a social security number.
  SSN_LOOSE.lastIndex = 0;
  for (let m = SSN_LOOSE.exec(text); m !== null; m = SSN_LOOSE.exec(text)) {
    if (!ssnValid(m[1] ?? '', m[2] ?? '', m[3] ?? '')) continue;
    if (!SSN_CONTEXT.test(before(text, m.index, 40))) continue;
    out.push({ entity: 'us_ssn', start: m.index, end: m.index + m[0].length, score: 0.85 });
  }
}

const FILLER = String.raw`(?:\s*(?:number|num|no\.?|nr\.?|#|id|is|was|:|-)\s*){0,3}`;

// One pass for the three kinds: the named group that matched says which.
const PASSPORT_CUES = ['passport', 'passeport', 'reisepass', 'pasaporte', 'passaporto', 'paspoort', 'paszport'];
const LICENSE_CUES = [
  "driver'?s?'? licen[cs]e", 'driving licen[cs]e', String.raw`licen[cs]e (?:no\.?|number|#)`, String.raw`dl ?(?:no\.?|number|#)`,
  'd/l', 'führerschein(?:nummer)?', 'permis de conduire', 'licencia de conducir',
];
const NATIONAL_ID_CUES = [
  'national (?:id(?:entity)?|identification|insurance)(?: card)?', 'identity card', 'id card',
  'personal (?:id|identification|number)', 'nino', 'personalausweis(?:nummer)?', 'ausweisnummer', 'steuer-?id', 'dni',
  'nif', 'cpf', 'codice fiscale', 'bsn', 'pesel', 'aadhaa?r', 'social insurance', 'personnummer', 'henkilötunnus',
  'hetu', 'cnp', 'oib', 'amka', 'tax id',
];
const ID_CUE = new RegExp(
  String.raw`\b(?:(?<passport>${PASSPORT_CUES.join('|')})|(?<license>${LICENSE_CUES.join('|')})` +
    String.raw`|(?<national>${NATIONAL_ID_CUES.join('|')}))` +
    FILLER +
    String.raw`[\s:#]*`,
  'gi',
);

// Up to five alphanumeric chunks joined by single spaces, dashes or dots: "X1234567", "AB 12 34 56 C", "123.456.789-09".
const ID_VALUE = /[A-Z0-9]{1,20}(?:[ .-][A-Z0-9]{1,20}){0,4}/iy;

export function scanContextIds(text: string, out: PiiCandidate[]): void {
  ID_CUE.lastIndex = 0;
  for (let m = ID_CUE.exec(text); m !== null; m = ID_CUE.exec(text)) {
    const kind: { entity: PiiEntity; score: number; minDigits: number } = m.groups?.passport
      ? { entity: 'passport', score: 0.8, minDigits: 5 }
      : m.groups?.license
        ? { entity: 'driver_license', score: 0.75, minDigits: 4 }
        : { entity: 'national_id', score: 0.75, minDigits: 4 };
    const at = m.index + m[0].length;
    ID_VALUE.lastIndex = at;
    const v = ID_VALUE.exec(text);
    if (!v) continue;
    // Drop trailing chunks that are words ("X1234567 and ..."); keep a final check letter ("... 56 C").
    let value = v[0];
    for (;;) {
      const cut = value.search(/[ .-][A-Za-z]{2,}$|[ .-]$/);
      if (cut === -1) break;
      value = value.slice(0, cut);
    }
    const digits = value.replace(/\D/g, '').length;
    const alnum = value.replace(/[^A-Za-z0-9]/g, '').length;
    if (digits < kind.minDigits || alnum < 5 || alnum > 20) continue;
    out.push({ entity: kind.entity, start: at, end: at + value.length, score: kind.score });
  }
}
