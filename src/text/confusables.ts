// Homoglyph folding: mixed-script words (Latin with Cyrillic/Greek/... lookalikes) are read in the script they imitate.
import table from './confusables.json' with { type: 'json' };
import { LATIN, NON_WORD, charClass, isLetterClass, type CharClass } from './scripts.js';

/** Lookalike code point -> the ASCII letter or digit it imitates. */
const TO_LATIN = new Map<number, string>();
/** 1 for every code point in TO_LATIN (all are in the BMP): a typed-array test is much cheaper than Map.has. */
const IS_LOOKALIKE = new Uint8Array(0x10000);
/** Per script: ASCII letter -> the lookalike letter of that script (used to fold Latin intruders into e.g. Russian). */
const FROM_LATIN = new Map<CharClass, Map<string, string>>();

function addEntry(cp: number, target: string): void {
  if (!TO_LATIN.has(cp)) TO_LATIN.set(cp, target);
}

for (const [hex, target] of table.entries as [string, string, string][]) addEntry(parseInt(hex, 16), target);
// Close the table under case mapping: the decision for a word must not change once it has been lower-cased,
// otherwise normalising twice would give a different text (e.g. Cherokee capitals vs small letters).
for (const [cp, target] of [...TO_LATIN]) {
  const ch = String.fromCodePoint(cp);
  for (const other of [ch.toLowerCase(), ch.toUpperCase()]) {
    const otherCp = other.codePointAt(0);
    if (otherCp === undefined || other.length !== String.fromCodePoint(otherCp).length || otherCp === cp) continue;
    const isLower = other === ch.toLowerCase();
    addEntry(otherCp, isLower ? target.toLowerCase() : target.toUpperCase());
  }
}
// Reverse tables are keyed by lower-case ASCII letter and hold lower-case lookalikes; folding restores the case.
for (const cp of TO_LATIN.keys()) if (cp < 0x10000) IS_LOOKALIKE[cp] = 1;
for (const [cp, target] of TO_LATIN) {
  const ch = String.fromCodePoint(cp);
  if (!/^[a-z]$/.test(target) || ch.toLowerCase() !== ch) continue;
  const script = charClass(cp);
  let reverse = FROM_LATIN.get(script);
  if (reverse === undefined) FROM_LATIN.set(script, (reverse = new Map()));
  if (!reverse.has(target)) reverse.set(target, ch);
}

/** Quick test for any character of a script that has Latin lookalikes. */
const HAS_FOLDABLE_SCRIPT = /[\u0370-\u058F\u13A0-\u13FF\u1C80-\u1C8F\u1F00-\u1FFF\uA4D0-\uA4FF\uA640-\uA69F\uAB70-\uABBF\uFB13-\uFB17]/;

/** Number of code points in the lookalike table (for tests and docs). */
export function confusableCount(): number {
  return TO_LATIN.size;
}

/** The ASCII character that `cp` imitates, if it is in the table. */
export function latinLookalike(cp: number): string | undefined {
  return TO_LATIN.get(cp);
}

/** Any character that may be a Latin letter (a superset: a few symbols such as × are in these ranges too). */
const MAYBE_LATIN_LETTER =
  /[A-Za-z\u00AA\u00BA\u00C0-\u024F\u1D00-\u1DBF\u1E00-\u1EFF\u2C60-\u2C7F\uA720-\uA7FF\uAB30-\uAB6F\uFF21-\uFF3A\uFF41-\uFF5A]/;

/** True when the text has a non-Latin letter that has no Latin lookalike (most Russian words do). */
function hasDistinctLetter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code >= 0xd800 && code <= 0xdbff) {
      const cp = text.codePointAt(i) ?? code;
      if (cp > 0xffff && isLetterClass(charClass(cp))) return true;
      continue;
    }
    if (IS_LOOKALIKE[code] === 0 && isLetterClass(charClass(code))) return true;
  }
  return false;
}

const KEEP = 0;
const TO_LATIN_FOLD = 1;
const TO_SCRIPT_FOLD = 2;
const LOOKALIKE_ONLY = 3;

function allLatinHaveLookalike(text: string, start: number, end: number, script: CharClass): boolean {
  const reverse = FROM_LATIN.get(script);
  if (reverse === undefined) return false;
  for (let i = start; i < end; ) {
    const cp = text.codePointAt(i) ?? 0;
    i += cp > 0xffff ? 2 : 1;
    if (cp < 0x80) {
      if (cp >= 0x41 && !reverse.has(String.fromCharCode(cp | 0x20))) return false;
    } else if (charClass(cp) === LATIN) {
      return false;
    }
  }
  return true;
}

function foldWord(text: string, start: number, end: number, decision: number, script: CharClass): string {
  let out = '';
  if (decision === TO_SCRIPT_FOLD) {
    const reverse = FROM_LATIN.get(script);
    for (let i = start; i < end; i++) {
      const ch = text[i] ?? '';
      const code = ch.charCodeAt(0);
      const lookalike = code < 0x80 ? reverse?.get(ch.toLowerCase()) : undefined;
      out += lookalike === undefined ? ch : code < 0x61 ? lookalike.toUpperCase() : lookalike;
    }
    return out;
  }
  for (let i = start; i < end; ) {
    const cp = text.codePointAt(i) ?? 0;
    const len = cp > 0xffff ? 2 : 1;
    out += TO_LATIN.get(cp) ?? text.slice(i, i + len);
    i += len;
  }
  return out;
}

/**
 * Folds homoglyphs word by word. A word (letters, marks, digits) that mixes Latin with lookalike letters is
 * read as Latin when every non-Latin letter in it has a Latin lookalike ("іgnоrе" with Cyrillic і, о, е), or
 * as the other script when every Latin letter in it has a lookalike there (a Russian word with a Latin "o").
 * Words written only in lookalikes ("АРР" in Cyrillic) are read as Latin only when the text around them is
 * Latin; ordinary Russian or Greek text, where many letters have no lookalike, is never touched.
 * One pass over the text; decisions do not depend on letter case, so lower-casing the result changes none.
 */
export function foldConfusables(text: string): string {
  if (!HAS_FOLDABLE_SCRIPT.test(text)) return text;
  // Without Latin letters nothing is mixed, and lookalike-only words fold only when the whole text has no
  // letter without a lookalike: ordinary Russian or Greek text stops at its first such letter.
  if (!MAYBE_LATIN_LETTER.test(text) && hasDistinctLetter(text)) return text;
  // Words to fold, four numbers each: start, end, decision, script. Most texts have none: allocated lazily.
  let folds: number[] | undefined;
  // Letters that end up Latin, and non-Latin letters that have no Latin lookalike, over the whole text.
  let latinLetters = 0;
  let distinctLetters = 0;
  // The current word.
  let start = -1;
  let latin = 0;
  let nonLatin = 0;
  let distinct = 0;
  let script = 0;
  let scriptChanges = 0;
  const n = text.length;
  for (let i = 0; i <= n; ) {
    let cp = 0x20;
    let width = 1;
    if (i < n) {
      cp = text.charCodeAt(i);
      if (cp >= 0xd800 && cp <= 0xdbff) {
        cp = text.codePointAt(i) ?? cp;
        if (cp > 0xffff) width = 2;
      }
    }
    const cls = charClass(cp);
    if (cls !== NON_WORD) {
      if (start < 0) {
        start = i;
        latin = nonLatin = distinct = script = scriptChanges = 0;
      }
      if (cls === LATIN) latin++;
      else if (isLetterClass(cls)) {
        nonLatin++;
        if (cp > 0xffff || IS_LOOKALIKE[cp] === 0) distinct++;
        if (cls !== script) {
          scriptChanges++;
          script = cls;
        }
      }
      i += width;
      continue;
    }
    i += width;
    if (start < 0) continue;
    // End of a word: decide.
    const wordStart = start;
    const wordEnd = i - width;
    start = -1;
    distinctLetters += distinct;
    if (nonLatin === 0) {
      latinLetters += latin;
      continue;
    }
    let decision = KEEP;
    if (latin > 0) {
      if (distinct === 0) decision = TO_LATIN_FOLD;
      else if (scriptChanges === 1 && allLatinHaveLookalike(text, wordStart, wordEnd, script)) decision = TO_SCRIPT_FOLD;
    } else if (distinct === 0) {
      decision = LOOKALIKE_ONLY;
    }
    if (decision === KEEP) latinLetters += latin;
    else if (decision === TO_LATIN_FOLD) latinLetters += latin + nonLatin;
    if (decision === KEEP) continue;
    (folds ??= []).push(wordStart, wordEnd, decision, script);
  }
  if (folds === undefined) return text;
  // Lookalike-only words are Latin in disguise only when the text is (nearly) all Latin.
  const foldLookalikeOnly = distinctLetters * 4 <= latinLetters;
  const parts: string[] = [];
  let last = 0;
  for (let w = 0; w < folds.length; w += 4) {
    const decision = folds[w + 2] ?? KEEP;
    if (decision === LOOKALIKE_ONLY && !foldLookalikeOnly) continue;
    const wordStart = folds[w] ?? 0;
    const wordEnd = folds[w + 1] ?? 0;
    parts.push(text.slice(last, wordStart), foldWord(text, wordStart, wordEnd, decision, folds[w + 3] ?? 0));
    last = wordEnd;
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(last));
  return parts.join('');
}
