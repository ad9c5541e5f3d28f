// Dates of birth: a date is personal data here only when a birth cue ("DOB", "born on", "geboren am" ...) names it.
// Dates are found first (they need digits, which are rare), then the short window before each is checked for a cue.
import { isBirthYear, isRealDate } from './validators.js';
import type { PiiCandidate } from './types.js';

// Birth cues in English, German, French, Spanish, Italian, Portuguese, Dutch, Polish, Nordic languages, Finnish and
// Russian, then the words that may sit between a cue and its date ("born on the", "date of birth. It's").
const DOB_CUE_BEFORE = new RegExp(
  '(?:' +
    [
      String.raw`\b(?:date of birth|birth ?date|birthday|born(?: on| in)?|d\.?o\.?b\.?)`,
      String.raw`\bgeb(?:oren(?: am| op)?|urtsdatum|urtstag|\.)`,
      String.raw`\bn[ée]e?\s+le|date de naissance`,
      String.raw`\bnacid[oa]\s+el|fecha de nacimiento`,
      String.raw`\bnat[oa]\s+il|data di nascita`,
      String.raw`\bnascid[oa]\s+em|data de nascimento`,
      String.raw`\bgeboortedatum`,
      String.raw`\burodzon[ya]|data urodzenia`,
      String.raw`\bf[öø](?:dd|dt)|f[öø]delsedatum|fødselsdato`,
      String.raw`\bsyntyny?t|syntymäaika`,
      String.raw`родил(?:ся|ась)|дата рождения`,
    ].join('|') +
    String.raw`)(?:\s+|[:,.\-–"'“”=]|\b(?:is|was|on|the|am|le|el|il|em|op|den|it's|it’s|it is|its|mine)\b){0,8}$`,
  'i',
);

const MONTHS: ReadonlyMap<string, number> = new Map(
  [
    ['january', 'jan', 'januar', 'janvier', 'enero', 'gennaio', 'janeiro', 'januari', 'jänner'],
    ['february', 'feb', 'februar', 'février', 'fevrier', 'febrero', 'febbraio', 'fevereiro', 'februari'],
    ['march', 'mar', 'märz', 'maerz', 'mars', 'marzo', 'março', 'marco', 'maart'],
    ['april', 'apr', 'avril', 'abril', 'aprile'],
    ['may', 'mai', 'mayo', 'maggio', 'maio', 'mei'],
    ['june', 'jun', 'juni', 'juin', 'junio', 'giugno', 'junho'],
    ['july', 'jul', 'juli', 'juillet', 'julio', 'luglio', 'julho'],
    ['august', 'aug', 'août', 'aout', 'agosto', 'augustus'],
    ['september', 'sep', 'sept', 'septembre', 'septiembre', 'setiembre', 'settembre', 'setembro'],
    ['october', 'oct', 'oktober', 'octobre', 'octubre', 'ottobre', 'outubro'],
    ['november', 'nov', 'novembre', 'noviembre', 'novembro'],
    ['december', 'dec', 'dezember', 'décembre', 'decembre', 'diciembre', 'dicembre', 'dezembro'],
  ].flatMap((names, i) => names.map((n): [string, number] => [n, i + 1])),
);

const MONTH_WORD = String.raw`([A-Za-z\u00C0-\u024F]{3,10})\.?`;
// Numeric dates: 1990-05-17, 17/05/1990, 05/17/1990, 17.05.1990, 17-05-90.
const NUMERIC_DATE =
  /(?<![\d./-])(?:(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})|(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2}))(?!\d|[./-]\d)/g;
// A year after a month name: "17 May 1990", "17th of May, 1990", "17. Mai 1990", "17 de mayo de 1990", "May 17, 1990".
const YEAR = /(?<!\d)(?:19|20)\d\d(?!\d)/g;
const DAY_MONTH_BEFORE = new RegExp(
  String.raw`(\d{1,2})(?:st|nd|rd|th|er|e|º|\.)?\s+(?:of\s+|de\s+)?` + MONTH_WORD + String.raw`,?\s+(?:de\s+)?$`,
  'i',
);
const MONTH_DAY_BEFORE = new RegExp(MONTH_WORD + String.raw`\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+$`, 'i');

function fullYear(y: string): number {
  if (y.length === 4) return Number(y);
  const n = Number(y);
  return n > new Date().getUTCFullYear() % 100 ? 1900 + n : 2000 + n;
}

function monthOf(name: string | undefined): number {
  return MONTHS.get((name ?? '').toLowerCase()) ?? 0;
}

function cued(text: string, start: number): boolean {
  return DOB_CUE_BEFORE.test(text.slice(Math.max(0, start - 48), start));
}

function plausible(year: number, month: number, day: number): boolean {
  return isBirthYear(year) && isRealDate(year, month, day);
}

export function scanDatesOfBirth(text: string, out: PiiCandidate[]): void {
  NUMERIC_DATE.lastIndex = 0;
  for (let m = NUMERIC_DATE.exec(text); m !== null; m = NUMERIC_DATE.exec(text)) {
    // Day-month and month-day orders are both accepted when the date is real.
    const ok = m[1]
      ? plausible(Number(m[1]), Number(m[2]), Number(m[3]))
      : plausible(fullYear(m[6] ?? ''), Number(m[5]), Number(m[4])) ||
        plausible(fullYear(m[6] ?? ''), Number(m[4]), Number(m[5]));
    if (ok && cued(text, m.index)) {
      out.push({ entity: 'date_of_birth', start: m.index, end: m.index + m[0].length, score: 0.85 });
    }
  }
  YEAR.lastIndex = 0;
  for (let m = YEAR.exec(text); m !== null; m = YEAR.exec(text)) {
    const year = Number(m[0]);
    if (!isBirthYear(year)) continue;
    const from = Math.max(0, m.index - 24);
    const window = text.slice(from, m.index);
    let start = -1;
    const dm = DAY_MONTH_BEFORE.exec(window);
    if (dm && isRealDate(year, monthOf(dm[2]), Number(dm[1]))) start = from + dm.index;
    const md = start === -1 ? MONTH_DAY_BEFORE.exec(window) : null;
    if (md && isRealDate(year, monthOf(md[1]), Number(md[2]))) start = from + md.index;
    if (start !== -1 && cued(text, start)) out.push({ entity: 'date_of_birth', start, end: m.index + 4, score: 0.85 });
  }
}
