// Person names: runs of capitalised words judged with given-name and surname lists and with the cue words before
// them ("Dr.", "my name is", "Dear"). A tokenizer and set look-ups, no giant alternation, so cost is linear.
import { cueBefore } from './name-cues.js';
import { NAME_FLAGS, nameLexicon, type NameLexicon } from './names/lexicon.js';
import type { PiiCandidate } from './types.js';

// Latin-script words only: the name lists are Latin, and other scripts have their own conventions.
const CAPITALISED = /\p{Lu}[\p{Script=Latin}\p{M}'’-]*/gu;
// A capitalised run glued to these is part of an address, path, identifier or word, not a name.
const GLUE_BEFORE = /[\p{L}\p{M}\p{N}_@./\\'’-]/u;

// Words that make the next capitalised word a place or an organisation ("Lake Louise", "Fort Collins").
const PLACE_PREFIX = new Set(
  `lake mount mt fort port san santa santo los las saint st sainte cape new north south east west upper lower
  university college hotel club`.split(/\s+/),
);
const NUMBER_AFTER = /^ \d{1,5}(?!\d|[.,:]\d|\s*(?:years?|yrs?|y\/o|times?|%))/;
const NUMBER_BEFORE = /\d[ ]$/;
const PARTICLE_GAP = /^ (?:(?:van|von|de|da|di|del|della|der|den|du|dos|das|do|le|la|bin|ibn|al|el|ter|ten) ){1,2}$/;

interface NameToken {
  start: number;
  end: number;
  lower: string;
  initial: boolean;
  /** "A" or "I" without a full stop: an article or a pronoun, not a middle initial. */
  article: boolean;
  first: boolean;
  ambiguous: boolean;
  surname: boolean;
  wordSurname: boolean;
  stop: boolean;
  /** Not a name as a later word either: "River" in "Charles River" (a given name too, but not a surname). */
  tailStop: boolean;
  /** Shaped like a name: letters only, a lower-case letter after the first. */
  shaped: boolean;
}

const NON_ASCII = /[^\x00-\x7f]/;

/** True when some letter after the first is lower case ("Anna", "McDonald"; not "NASA", not "A"). */
function hasLowerAfterFirst(word: string, ascii: boolean): boolean {
  if (ascii) {
    for (let i = 1; i < word.length; i++) {
      const c = word.charCodeAt(i);
      if (c >= 97 && c <= 122) return true;
    }
    return false;
  }
  return /\p{Ll}/u.test(word.slice(1));
}

function classify(text: string, start: number, raw: string, lex: NameLexicon): NameToken {
  // Drop a possessive and trailing hyphens or apostrophes: "Szczepańska's" -> "Szczepańska".
  let end = raw.length;
  const c2 = raw[end - 2];
  if (end > 2 && raw[end - 1] === 's' && (c2 === "'" || c2 === '’')) end -= 2;
  while (end > 1 && (raw[end - 1] === '-' || raw[end - 1] === "'" || raw[end - 1] === '’')) end--;
  const word = end === raw.length ? raw : raw.slice(0, end);
  const lower = word.toLowerCase();
  const ascii = !NON_ASCII.test(word);
  let flags = lex.flags(lower, ascii);
  if (flags === 0 && lower.includes('-')) {
    // "Smith-Jones" is a surname when a part is one; "Jean-Luc" a given name when its first part is one.
    const parts = lower.split('-').filter((p) => p !== '');
    for (const part of parts) flags |= lex.flags(part, ascii) & (NAME_FLAGS.surname | NAME_FLAGS.wordSurname);
    flags |= lex.flags(parts[0] ?? '', ascii) & NAME_FLAGS.first;
  }
  const first = (flags & NAME_FLAGS.first) !== 0;
  const ambiguous = !first && (flags & NAME_FLAGS.ambiguousFirst) !== 0;
  const anySurname = (flags & NAME_FLAGS.surname) !== 0;
  const wordy = (flags & NAME_FLAGS.wordSurname) !== 0;
  return {
    start,
    end: start + word.length,
    lower,
    initial: word.length === 1,
    article: (word === 'A' || word === 'I') && raw === word && text[start + 1] !== '.',
    first,
    ambiguous,
    surname: anySurname && !wordy,
    wordSurname: anySurname && wordy,
    stop: !first && !ambiguous && (flags & NAME_FLAGS.notName) !== 0,
    tailStop: !first && !anySurname && (flags & NAME_FLAGS.notName) !== 0,
    shaped: word.length >= 2 && hasLowerAfterFirst(word, ascii),
  };
}

/** Next token continues the name: one space, an initial's ". ", or nobiliary particles ("van der"). */
function adjacent(text: string, a: NameToken, b: NameToken): boolean {
  if (b.start - a.end === 1 && text.charCodeAt(a.end) === 32) return true;
  if (b.start - a.end > 12 || b.start <= a.end) return false;
  const gap = text.slice(a.end, b.start);
  if (a.initial) return gap === '. ' || gap === '.';
  return PARTICLE_GAP.test(gap);
}

function atSentenceStart(text: string, index: number): boolean {
  let i = index - 1;
  while (i >= 0 && ' \t"(“\''.includes(text[i] ?? '')) i--;
  return i < 0 || /[.!?\n\r:;>*•#-]/.test(text[i] ?? '');
}

/** Can `t` be a later part of a name (middle name, initial, surname)? */
function nameTail(t: NameToken): boolean {
  return !t.tailStop && (t.initial || t.surname || t.wordSurname || t.first || t.ambiguous || t.shaped);
}

function pairScore(head: NameToken, tail: NameToken[], sentenceStart: boolean): number {
  const named = tail.filter((t) => !t.initial);
  const last = named[named.length - 1];
  if (!last) return 0;
  // "Faina D. Yefremova", "Harry S. Truman": given name, middle initial, surname, whatever the lists say.
  const middle = tail.length === 2 ? tail[0] : undefined;
  const middleInitial = middle?.initial === true && !last.stop && !head.stop && !middle.article ? 0.7 : 0;
  const strongSurname = named.some((t) => t.surname);
  const weakSurname = named.some((t) => t.wordSurname);
  const initial = tail.some((t) => t.initial) ? 0.05 : 0;
  if (head.first) {
    if (strongSurname) return 0.9;
    if (weakSurname) return 0.8;
    if (named.every((t) => t.first)) return 0.7;
    return (sentenceStart ? 0.6 : 0.65) + initial;
  }
  if (head.ambiguous) {
    if (strongSurname) return 0.75;
    return Math.max(middleInitial, weakSurname ? 0.45 : 0.35);
  }
  // An unlisted given name before a listed surname ("Tosh Olsen"); not at a sentence start ("Suppose Benjamin").
  const unlisted = head.shaped && !head.stop && !head.surname;
  if (unlisted && strongSurname && named.length === 1 && !last.first && !sentenceStart) {
    return Math.max(middleInitial, 0.55);
  }
  return middleInitial;
}

export function scanPersons(text: string, out: PiiCandidate[]): void {
  const lex = nameLexicon();
  const tokens: NameToken[] = [];
  CAPITALISED.lastIndex = 0;
  for (let m = CAPITALISED.exec(text); m !== null; m = CAPITALISED.exec(text)) {
    if (m[0].length > 40 || (m.index > 0 && GLUE_BEFORE.test(text[m.index - 1] ?? ''))) continue;
    tokens.push(classify(text, m.index, m[0], lex));
  }

  for (let i = 0; i < tokens.length; i++) {
    const head = tokens[i] as NameToken;
    // Initials, ALL-CAPS words and function words never start a name.
    if (!head.shaped || (head.stop && !head.surname && !head.wordSurname)) continue;
    const prev = tokens[i - 1];
    if (prev && adjacent(text, prev, head) && PLACE_PREFIX.has(prev.lower)) continue; // "Lake Louise", "Fort Collins"

    // The tail: up to three more name-like tokens, a third or fourth only after an initial or as a surname.
    const tail: NameToken[] = [];
    for (let j = i + 1; j < tokens.length && tail.length < 3; j++) {
      const t = tokens[j] as NameToken;
      const before = tokens[j - 1] as NameToken;
      if (!adjacent(text, before, t) || !nameTail(t)) break;
      if (tail.length >= 1 && !(before.initial || before.first || t.surname || t.wordSurname || t.initial)) break;
      tail.push(t);
    }
    while (tail.length > 0 && (tail[tail.length - 1] as NameToken).initial) tail.pop();
    const nextToken = tokens[i + 1];
    const stopAfter = nextToken !== undefined && adjacent(text, head, nextToken) && nextToken.tailStop;

    let score = head.stop || tail.length === 0 ? 0 : pairScore(head, tail, atSentenceStart(text, head.start));
    if (score < 0.8 && !stopAfter) {
      const cue = cueBefore(text, head.start);
      if (cue === 'title' || cue === 'strong') {
        if (!head.stop || head.surname || head.wordSurname) score = Math.max(score, cue === 'title' ? 0.85 : 0.8);
      } else if (cue === 'weak') {
        if (tail.length > 0 && score >= 0.55) score = Math.max(score, 0.75);
        else if (tail.length === 0 && head.first) score = Math.max(score, 0.7);
      }
    }
    if (score === 0 && tail.length === 0 && head.first && !stopAfter) {
      // A lone given name: weaker at a sentence start, stronger as a dialogue label ("Anna: ...").
      const lineLabel = text[head.end] === ':' && atSentenceStart(text, head.start);
      score = lineLabel ? 0.7 : atSentenceStart(text, head.start) ? 0.4 : 0.45;
    }
    if (score <= 0) continue;
    const last = tail[tail.length - 1] ?? head;
    // "5850 Jana Nerudy 894", "Peter Zuidhove 188": a name between house numbers is a street.
    const numberAround =
      NUMBER_AFTER.test(text.slice(last.end, last.end + 7)) || NUMBER_BEFORE.test(text.slice(Math.max(0, head.start - 7), head.start));
    if (numberAround) score -= 0.45;
    out.push({ entity: 'person', start: head.start, end: last.end, score });
    i += tail.length;
  }
}
