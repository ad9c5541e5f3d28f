// The canonical normalisation every detector matches against: NFKC, no invisibles, homoglyphs folded, lower case, one space.
import { foldConfusables } from './confusables.js';
import { foldDecorative, foldDecorativeBeforeNfkc } from './decorative.js';
import { INVISIBLE_SOURCE, stripInvisible } from './invisible.js';

/** Anything outside printable ASCII and ASCII whitespace: the fast path below does not apply. */
const NOT_PLAIN_ASCII = /[^\t-\r\x20-\x7e]/;
/** C0/C1 control characters other than whitespace; NEL (U+0085) is a line break and becomes a space instead. */
const CONTROL = /[\0-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]/;
const CONTROL_GLOBAL = /[\0-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]/g;
const NEXT_LINE = /\u0085/g;
/**
 * One pre-check for everything handled before NFKC (invisibles, controls, NEL, parenthesized letters), so that
 * ordinary non-ASCII text pays for one scan instead of four.
 */
const NEEDS_PRE_NFKC_WORK = new RegExp(`${INVISIBLE_SOURCE}|[\\0-\\x08\\x0e-\\x1f\\x7f-\\x9f\\u249c-\\u24b5]|\\uD83C[\\uDD10-\\uDD29]`);
const DOTTED_CAPITAL_I = /\u0130/g;
/**
 * Whitespace that is not already a single plain space: a run starting with other whitespace, or a space
 * followed by more. Both alternatives start with a different character, so the scan is one quick pass.
 */
const WHITESPACE_TO_COLLAPSE = /[^\S ]\s*| \s+/g;
const HAS_WHITESPACE_TO_COLLAPSE = /[^\S ]| \s/;

/**
 * Everything `normalizeText` does except collapsing whitespace: kept apart because the spaced-letters reading
 * needs to see where the double spaces between spaced-out words were.
 */
export function foldText(text: string): string {
  if (!NOT_PLAIN_ASCII.test(text)) return text.toLowerCase();
  let t = text;
  if (NEEDS_PRE_NFKC_WORK.test(t)) {
    t = stripInvisible(t);
    if (CONTROL.test(t)) t = t.replace(CONTROL_GLOBAL, '');
    if (t.includes('\u0085')) t = t.replace(NEXT_LINE, ' ');
    t = foldDecorativeBeforeNfkc(t);
  }
  t = t.normalize('NFKC');
  // Homoglyphs are folded before lower-casing, because capital lookalikes differ from their small letters
  // (Greek Η is an H, η an n). The folding decisions do not depend on case, except for İ, which lower-cases to
  // i + combining dot: lower it first so that normalising a normalised text changes nothing. Folding can put a
  // base letter next to a combining mark, hence NFKC again.
  // (NFKC again puts the new dot in canonical order with any marks that follow it.)
  if (t.includes('\u0130')) t = t.replace(DOTTED_CAPITAL_I, 'i\u0307').normalize('NFKC');
  const folded = foldConfusables(foldDecorative(t));
  if (folded !== t) t = folded.normalize('NFKC');
  // Lower-casing can leave a letter and a mark that compose only in lower case (Greek Ή + ypogegrammeni): one
  // more NFKC, cheap on text that is already normalised.
  return t.toLowerCase().normalize('NFKC');
}

/** Collapses every run of whitespace to one space and trims. */
export function collapseWhitespace(text: string): string {
  const collapsed = HAS_WHITESPACE_TO_COLLAPSE.test(text) ? text.replace(WHITESPACE_TO_COLLAPSE, ' ') : text;
  return collapsed.trim();
}

/**
 * NFKC; invisible and control characters removed; decorative letters and mixed-script homoglyphs folded to
 * Latin; lower-cased (locale-independent); whitespace collapsed to single spaces; trimmed.
 */
export function normalizeText(text: string): string {
  return collapseWhitespace(foldText(text));
}
