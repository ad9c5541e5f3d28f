// The tail of a street address: unit, postcode, state, city and country that follow the street on the same line or
// the next ones ("..., Apt. 4, Springfield, IL 62704, USA"), matched piece by piece with sticky regexes.
import { TYPE_BEFORE } from './address-words.js';

export interface Extension {
  end: number;
  pieces: number;
  /** An apartment, suite or unit was among the pieces: a strong sign of an address. */
  unit: boolean;
}

// Pieces that may follow a street: unit, postcode, state, city. SEP: spaces or a comma, and at most one blank
// line, each line possibly quoted with '>' as in e-mail replies.
const SEP = String.raw`[ \t]*[,.]?(?:[ \t]*\n[ \t]*(?:>[ \t]*)?){0,2}[ \t]*`;
const UNIT = new RegExp(
  SEP +
    String.raw`(?:apt\.?|apartment|suite|ste\.?|unit|flat|floor|fl\.?|room|rm\.?|bldg\.?|building|#|app\.?|appt\.?|` +
    String.raw`wohnung|whg\.?|étage|piso|puerta|scala|interno|int\.?|lgh|leil\.?|кв\.?)` +
    // A number ("Apt. 4B", "#12"), or a letter set apart ("Suite B", "Flat #C"), never "room" + "s".
    String.raw`(?:[ ]?#?[ ]?[A-Za-z]?\d[A-Za-z0-9-]{0,5}|[ ]?#[ ]?[A-Za-z]|[ ][A-Za-z])(?![\w])`,
  'iy',
);
// US ZIP (+4), numeric postcodes (also "53-320", "340 12"), UK and Canadian postcodes.
const POSTCODE = new RegExp(
  SEP +
    String.raw`(?:\d{5}(?:-\d{4})?|\d{2}-\d{3}|\d{3} \d{2}|\d{4,6}|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d)(?![\w])`,
  'y',
);
// "Springfield, IL", "Trancoso\n, GU": a state or region code after a city, on its line or the next.
const STATE = /[ \t]*(?:\n[ \t]*(?:>[ \t]*)?)?[ ,]*[A-Z]{2,3}(?![\p{L}\d])/uy;
// "10115 Berlin", "75001 Paris": the city after a postcode, on the same line.
const CITY_AFTER_POSTCODE = /[ \t]+(\p{Lu}[\p{L}\p{M}'’.-]{1,30})(?:[ -]\p{Lu}[\p{L}\p{M}'’.-]{1,30}){0,2}(?=[ \t]*(?:[,\n.;)]|$))/uy;
const DIRECTION = /[ ]+(?:N|S|E|W|NE|NW|SE|SW)\.?(?![\p{L}\d])/uy;
// A city or country line: one to three capitalised words ending the line, or before a comma or a postcode.
const PLACE = new RegExp(
  String.raw`(?:[ \t]*,[ \t]*(?:\n[ \t]*(?:>[ \t]*)?)?|(?:[ \t]*\n[ \t]*(?:>[ \t]*)?){1,2})` +
    String.raw`(\p{Lu}[\p{L}\p{M}'’.-]{1,30})(?:[ -]\p{Lu}[\p{L}\p{M}'’.-]{1,30}){0,2}` +
    String.raw`(?=[ \t]*(?:[,\n.?!]|$)|[ \t]+(?:\d|[A-Z]{1,2}\d))`,
  'uy',
);
// The same in lower case, for text written without capitals: "..., københavn k", "..., sé, portugal".
const LOWER_PLACE = /[ \t]*,[ \t]*(\p{Ll}[\p{L}\p{M}'’.-]{1,30})(?: \p{Ll}[\p{L}\p{M}'’.-]{0,30}){0,2}(?=[ \t]*(?:[,\n.?!]|$))/uy;

function bare(word: string): string {
  const lower = word.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** Extends a street ending at `end` over the unit, city, state and postcode after it. */
export function extendAddress(text: string, end: number, lowerCase = false): Extension {
  let pieces = 0;
  let unit = false;
  let previous: RegExp | undefined;
  const kinds = lowerCase ? [UNIT, POSTCODE, PLACE, LOWER_PLACE, STATE, DIRECTION, CITY_AFTER_POSTCODE] : [UNIT, POSTCODE, PLACE, STATE, DIRECTION, CITY_AFTER_POSTCODE];
  for (let round = 0; round < 6; round++) {
    let moved = false;
    for (const re of kinds) {
      if (re === STATE && previous !== PLACE) continue; // "Springfield, IL": a state code only follows a city
      if (re === CITY_AFTER_POSTCODE && previous !== POSTCODE) continue;
      if (re === DIRECTION && round > 0) continue; // "Pennsylvania Avenue NW"
      re.lastIndex = end;
      const m = re.exec(text);
      if (!m || m[0].trim() === '') continue;
      // A following street or box ("..., Via Roma 131", "..., PO Box 7") is an address of its own.
      if ((re === PLACE || re === LOWER_PLACE) && (TYPE_BEFORE.has(bare(m[1] ?? '')) || /^(?:P\.? ?O\b|Post|Apartado)/i.test(m[1] ?? ''))) continue;
      end = re.lastIndex;
      pieces++;
      if (re === UNIT) unit = true;
      previous = re === LOWER_PLACE ? PLACE : re;
      moved = true;
      break;
    }
    if (!moved) break;
  }
  return { end, pieces, unit };
}
