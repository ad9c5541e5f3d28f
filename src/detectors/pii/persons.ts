// Person names: runs of capitalised words scored from the name lists, the shape of the words and the cues around
// them ("Dr.", "my name is", "told", "said", "Anna's husband"), then lists of names ("Anna, Tom and Eva") and
// addressed names ("Leif, can you ..."). A tokenizer and set look-ups, no giant alternation, so cost is linear.
import { cueAfter, cueBefore, type Cue } from './name-cues.js';
import { asNoun, capitalisesNouns, classifyToken, type NameGrade, type NameToken } from './name-tokens.js';
import { isWordCode } from './context.js';
import { scanLowercaseNames } from './lowercase-names.js';
import { nameLexicon } from './names/lexicon.js';
import type { PiiCandidate } from './types.js';

// Latin, Cyrillic and Greek words (any script with capitals); the classifier decides what each is.
const CAPITALISED = /\p{Lu}[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{M}'’-]*/gu;
// A capitalised run glued to these is part of an address, path, identifier or word, not a name.
const GLUE_BEFORE = /[\p{L}\p{M}\p{N}_@./\\'’-]/u;

/** GLUE_BEFORE for the character at `index`, with ASCII answered by char codes. */
function glued(text: string, index: number): boolean {
  if (index < 0) return false;
  const c = text.charCodeAt(index);
  if (c < 128) return isWordCode(c) || c === 64 || c === 46 || c === 47 || c === 92 || c === 39 || c === 45;
  return GLUE_BEFORE.test(text[index] ?? '');
}

// Words that make the next capitalised word a place or an organisation ("Lake Louise", "Fort Collins").
const PLACE_PREFIX = new Set(
  `lake mount mt fort port san santa santo los las saint st sainte cape new north south east west upper lower
  university college hotel club`.split(/\s+/),
);
// Words after a run that make it an organisation, place, prize or law ("Johnson Group", "Nobel Prize").
const ORG_AFTER = new Set(
  `inc corp corporation llc ltd limited gmbh ag plc co company group holdings partners associates foundation
  institute university college school hospital clinic bank capital ventures labs technologies systems solutions
  software media studios studio records airlines motors pharmaceuticals insurance consulting services international
  global street st avenue ave road rd lane drive boulevard park square station airport hotel museum library bridge
  river lake mountain center centre hall church cathedral stadium arena award prize act law theorem effect syndrome
  disease principle equation algorithm method test index scale distribution paradox problem conjecture constant
  trophy cup memorial tower building house palace castle bay beach island valley county city state province district`.split(/\s+/),
);
// An article or a preposition fused with one right before a run: a noun phrase, not a person ("die Stadt Vega",
// "la Maison Blanche", "the Tate Modern"), unless a stronger cue says otherwise.
const ARTICLES = new Set(
  `the a an der die das den dem des ein eine einen einem einer le la les l' l’ un une el los las il lo gli uno una
  della dello delle degli dei del al alla alle nella nel sulla dalla o os as um uma het een`.split(/\s+/),
);
const NUMBER_AFTER = /^ \d{1,5}(?!\d|[.,:]\d|\s*(?:years?|yrs?|y\/o|times?|%))/;
const NUMBER_BEFORE = /\d[ ]$/;
const PARTICLE_GAP = /^ (?:(?:van|von|de|da|di|del|della|der|den|du|dos|das|do|le|la|bin|ibn|al|el|ter|ten) ){1,2}$/;
// Between the names of a list: "Anna, Tom and Eva", "Anna & Tom", "Anna und Tom".
const LIST_GAP = /^(?:,? (?:and|or|und|et|y|e|i|og|och|ja|en|és|и|και|&) |, )$/;

// Base score of a run by the grade of its first and last word. Rows: first word; columns: last word.
const GRADES: readonly NameGrade[] = ['given', 'family', 'part', 'givenWord', 'familyWord', 'unknown'];
const PAIR: Readonly<Record<string, readonly number[]>> = {
  //           given family part givenWord familyWord unknown
  given: [0.75, 0.9, 0.85, 0.6, 0.8, 0.75],
  family: [0.6, 0.65, 0.6, 0.45, 0.5, 0.5],
  part: [0.6, 0.8, 0.7, 0.5, 0.55, 0.6],
  givenWord: [0.45, 0.75, 0.65, 0.4, 0.45, 0.45],
  familyWord: [0.4, 0.55, 0.5, 0.3, 0.35, 0.35],
  unknown: [0.45, 0.6, 0.55, 0.3, 0.35, 0.3],
};
const NAMEY = new Set<NameGrade>(['given', 'family', 'part']);

function pairScore(head: NameToken, last: NameToken, sentenceStart: boolean, middleInitial: boolean): number {
  const row = PAIR[head.grade];
  const col = GRADES.indexOf(last.grade);
  let score = row && col >= 0 ? (row[col] ?? 0) : 0;
  if (sentenceStart && head.grade !== 'given') score -= 0.05; // "Suppose Benjamin", "Rust Belt"
  // "Faina D. Yefremova", "Harry S. Truman": given name, middle initial, surname, whatever the lists say.
  if (middleInitial) score = Math.max(score, 0.7);
  return score;
}

/** A lone word: only a listed given name counts without a cue, and weakly. */
function loneScore(head: NameToken, sentenceStart: boolean): number {
  if (head.grade !== 'given') return 0;
  return sentenceStart ? 0.4 : 0.45;
}

/** The score after a cue before the run; `lone` runs are one word. */
function withCue(score: number, cue: Cue, head: NameToken, lone: boolean): number {
  const g = head.grade;
  if (g === 'stop') return score;
  switch (cue) {
    case 'title':
      return Math.max(score, 0.85);
    case 'strong':
      return g === 'common' ? score : Math.max(score, 0.8);
    case 'role':
      if (g === 'common') return score;
      return Math.max(score, g === 'given' ? 0.85 : NAMEY.has(g) || g === 'givenWord' ? 0.8 : 0.7);
    case 'naming':
      if (g === 'common') return score;
      return Math.max(score, NAMEY.has(g) ? 0.8 : g === 'unknown' ? 0.55 : 0.65);
    case 'verb':
      if (!lone) return score >= 0.45 ? Math.max(score, 0.7) : score;
      return Math.max(score, g === 'given' ? 0.7 : NAMEY.has(g) ? 0.6 : 0);
    case 'greeting':
      if (!lone) return score >= 0.45 ? Math.max(score, 0.75) : score;
      return Math.max(score, g === 'given' || g === 'givenWord' ? 0.75 : NAMEY.has(g) ? 0.65 : 0);
    case 'weak':
      // "with Tzigane Lantos": two capitalised words that are no ordinary words, after a hint.
      if (!lone) return score >= 0.55 ? Math.max(score, 0.75) : score >= 0.3 ? Math.max(score, 0.55) : score;
      return g === 'given' ? Math.max(score, 0.7) : score;
  }
}

/** Next token continues the name: one or two spaces, an initial's ". ", or nobiliary particles ("van der"). */
function adjacent(text: string, a: NameToken, b: NameToken): boolean {
  const gap = b.start - a.end;
  if (gap === 1 && text.charCodeAt(a.end) === 32) return true;
  if (gap > 12 || gap <= 0 || a.possessive) return false;
  const between = text.slice(a.end, b.start);
  if (a.initial) return between === '. ' || between === '.' || between === ' ';
  return between === '  ' || PARTICLE_GAP.test(between);
}

function adjacentBySpace(text: string, a: NameToken, b: NameToken): boolean {
  return b.start - a.end === 1 || (a.initial && text[a.end] === '.');
}

function atSentenceStart(text: string, index: number): boolean {
  let i = index - 1;
  while (i >= 0 && ' \t"(“\''.includes(text[i] ?? '')) i--;
  return i < 0 || /[.!?\n\r:;>*•#-]/.test(text[i] ?? '');
}

function atLineStart(text: string, index: number): boolean {
  let i = index - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t' || text[i] === '>')) i--;
  return i < 0 || text[i] === '\n' || text[i] === '\r';
}

/** The lower-cased word right before `index` (one space between), or ''. */
function wordRightBefore(text: string, index: number): string {
  if (text.charCodeAt(index - 1) !== 32) return '';
  let s = index - 1;
  while (s > 0 && index - s < 8 && /[\p{L}'’]/u.test(text[s - 1] ?? '')) s--;
  return text.slice(s, index - 1).toLowerCase();
}

/** Can `t` be a later part of a name (middle name, initial, surname)? */
function nameTail(t: NameToken): boolean {
  return !t.tailStop && t.grade !== 'stop' && t.grade !== 'common' && (t.initial || t.shaped);
}

/** A name addressed to someone: "Leif, can you ...", "... don't go to town, Roy!". */
function vocative(text: string, head: NameToken, sentenceStart: boolean): boolean {
  const after = text[head.end];
  if (sentenceStart && after === ',') return /^,\s*\p{Ll}/u.test(text.slice(head.end, head.end + 4));
  return text.slice(head.start - 2, head.start) === ', ' && (after === '!' || after === '?' || after === '.');
}

interface Run {
  start: number;
  end: number;
  score: number;
  head: NameToken;
  lone: boolean;
  /** Index of the last token of the run. */
  lastIndex: number;
}

function scoreRun(text: string, tokens: readonly NameToken[], i: number, tail: readonly NameToken[]): number {
  // Callers pass the run as tokens[i] and the tail after it, so the next token is tokens[i + tail.length + 1].
  const head = tokens[i] as NameToken;
  const last = tail[tail.length - 1] ?? head;
  const lone = tail.length === 0;
  // Most capitalised words are ordinary words at a sentence start: only an honorific makes one a name ("Mr. Write").
  if (lone && head.grade === 'common') return cueBefore(text, head.start) === 'title' ? 0.85 : 0;
  const sentenceStart = atSentenceStart(text, head.start);
  const middleInitial = tail.length === 2 && tail[0]?.initial === true && !tail[0].article && last.grade !== 'familyWord';
  let score = lone ? loneScore(head, sentenceStart) : head.grade === 'common' ? (middleInitial ? 0.6 : 0) : pairScore(head, last, sentenceStart, middleInitial);
  // Particles join names ("Anna van der Berg"), but after an unknown word they join nouns ("Algoritmo de Votación").
  if (!lone && head.grade === 'unknown' && tail.some((t, k) => !adjacentBySpace(text, k === 0 ? head : (tail[k - 1] as NameToken), t))) score -= 0.2;

  const cue = score < 0.85 ? cueBefore(text, head.start) : undefined;
  if (cue !== undefined) score = withCue(score, cue, head, lone);
  // Cyrillic and Greek words have only short lists: without a listed given name first, a cue must speak.
  if (!head.latin && head.grade !== 'given' && cue === undefined) return 0;
  if (head.grade === 'common' && !middleInitial && cue !== 'title' && cue !== 'strong') return 0;

  if (score < 0.75 && (NAMEY.has(head.grade) || head.grade === 'givenWord' || (head.grade === 'unknown' && head.shaped))) {
    const after = cueAfter(text, last.end, last.possessive);
    if (after === 'role') score = Math.max(score, head.grade === 'given' ? 0.75 : head.grade === 'unknown' ? 0.6 : 0.7);
    else if (after === 'verb') score = Math.max(score, lone && head.grade === 'unknown' ? 0.45 : head.grade === 'given' ? 0.65 : 0.6);
    else if (after === 'subject' && lone && head.grade === 'given') score = Math.max(score, 0.55);
    // People own things: "Emily's plan", "Kowalski's report".
    if (lone && head.possessive && NAMEY.has(head.grade)) score = Math.max(score, head.grade === 'given' ? 0.6 : 0.55);
    if (lone && NAMEY.has(head.grade) && vocative(text, head, sentenceStart)) score = Math.max(score, head.grade === 'given' ? 0.6 : 0.55);
    if (lone && text[head.end] === ':' && atLineStart(text, head.start)) {
      // A dialogue label: "Anna: ...", "Koppány: "Who are you?"".
      const quoted = /^: ?["“]/.test(text.slice(head.end, head.end + 3));
      score = Math.max(score, head.grade === 'given' ? 0.7 : !quoted ? 0 : NAMEY.has(head.grade) ? 0.65 : 0.55);
    }
  }
  // Everything below only lowers the score: most runs stop here.
  if (score <= 0) return 0;
  const next = tokens[i + tail.length + 1];
  const orgAfter =
    (next !== undefined && adjacent(text, last, next) && (next.tailStop || ORG_AFTER.has(next.lower))) ||
    /^ (?:&|and) Co\b/.test(text.slice(last.end, last.end + 8));
  if (orgAfter && cue !== 'title') return 0;
  if (cue !== 'title' && cue !== 'strong' && !middleInitial && ARTICLES.has(wordRightBefore(text, head.start))) score -= 0.3;
  // "5850 Jana Nerudy 894", "Peter Zuidhove 188": a name between house numbers is a street.
  if (NUMBER_AFTER.test(text.slice(last.end, last.end + 7)) || NUMBER_BEFORE.test(text.slice(Math.max(0, head.start - 7), head.start))) {
    score -= 0.45;
  }
  return score;
}

/** Lists of names: every member gains when at least two are clearly names and none is an ordinary word. */
function scoreLists(text: string, runs: Run[]): void {
  let from = 0;
  for (let i = 1; i <= runs.length; i++) {
    const prev = runs[i - 1] as Run;
    const cur = runs[i];
    if (cur && cur.start - prev.end <= 6 && LIST_GAP.test(text.slice(prev.end, cur.start))) continue;
    const chain = runs.slice(from, i);
    from = i;
    if (chain.length < 2) continue;
    const strong = chain.filter((r) => r.score >= 0.5 || (r.lone && NAMEY.has(r.head.grade))).length;
    const weak = chain.filter((r) => r.lone && (r.head.grade === 'givenWord' || r.head.grade === 'familyWord')).length;
    const bad = chain.some((r) => r.head.grade === 'common' || r.head.grade === 'stop' || (r.score <= 0 && !r.lone));
    if (bad || !(strong >= 2 || (strong >= 1 && strong + weak >= 3))) continue;
    // Surnames alone ("Glover, Ruiz and Armstrong", "Johnson & Johnson") are as often a firm as people: without a
    // given name in the list they stay under the default threshold.
    const people = chain.some((r) => !r.lone || r.head.grade === 'given' || r.head.grade === 'givenWord');
    for (const r of chain) {
      const g = r.head.grade;
      const lift = !people ? 0.45 : g === 'given' ? 0.7 : NAMEY.has(g) ? 0.65 : g === 'unknown' && r.head.shaped ? 0.55 : 0.5;
      r.score = Math.max(r.score, lift);
    }
  }
}

export function scanPersons(text: string, out: PiiCandidate[]): void {
  const lex = nameLexicon();
  const tokens: NameToken[] = [];
  CAPITALISED.lastIndex = 0;
  for (let m = CAPITALISED.exec(text); m !== null; m = CAPITALISED.exec(text)) {
    if (m[0].length > 40 || glued(text, m.index - 1)) continue;
    tokens.push(classifyToken(text, m.index, m[0], lex));
  }
  if (tokens.length === 0) {
    scanLowercaseNames(text, out);
    return;
  }

  // Whether the text is German (nouns capitalised) is asked once, at the first run that holds an unknown or
  // shape-only word: no run before it can change, and most texts never ask.
  let germanChecked = tokens.length < 3;
  const runs: Run[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const head = tokens[i] as NameToken;
    // Initials, ALL-CAPS words, other scripts and function words never start a name.
    if (!head.shaped || head.grade === 'stop' || head.foreignScript) continue;
    const prev = tokens[i - 1];
    if (prev && adjacent(text, prev, head) && PLACE_PREFIX.has(prev.lower)) continue; // "Lake Louise", "Fort Collins"

    // The tail: up to three more name-like tokens, a third or fourth only after an initial or as a surname.
    const tail: NameToken[] = [];
    if (!head.possessive) {
      for (let j = i + 1; j < tokens.length && tail.length < 3; j++) {
        const t = tokens[j] as NameToken;
        const before = tokens[j - 1] as NameToken;
        // After a middle initial even an ordinary word is a surname: "Daniela C Capon", "Rose T. Baker".
        const afterInitial = before.initial && tail.length >= 1 && t.grade === 'common' && t.shaped;
        if (!adjacent(text, before, t) || !(nameTail(t) || afterInitial)) break;
        // Particles come before surnames ("Anna van der Berg"); before a given name they are prepositions
        // ("Rolle von Tony Stark").
        if (t.grade === 'given' && !before.initial && !adjacentBySpace(text, before, t)) break;
        if (tail.length >= 1 && !(before.initial || before.grade === 'given' || t.initial || t.grade === 'family' || t.grade === 'part' || t.grade === 'familyWord')) break;
        tail.push(t);
        if (t.possessive) break;
      }
    }
    while (tail.length > 0 && (tail[tail.length - 1] as NameToken).initial) tail.pop();
    if (!germanChecked && tail.length > 0 && [head, ...tail].some((t) => t.grade === 'unknown' || t.shapeOnly)) {
      germanChecked = true;
      if (capitalisesNouns(text)) {
        // A surname right after a given name stays one ("Tony Stark", "Herbert Diess").
        for (let k = i; k < tokens.length; k++) {
          const prev = tokens[k - 1];
          const t = tokens[k] as NameToken;
          if (!(prev?.grade === 'given' && adjacent(text, prev, t))) asNoun(t);
        }
        i--; // score this run again with the new grades
        continue;
      }
    }
    // "Producer Liviana Palerma": an ordinary word before a name is a cue, not a first name; but a middle initial
    // and a surname make it one ("Sari J. Paavolainen", "Rose T. Smith").
    const initialAndSurname = tail.length === 2 && tail[0]?.initial === true && NAMEY.has((tail[1] as NameToken).grade);
    if (head.grade === 'common' && tail.length > 0 && !initialAndSurname) continue;
    // Cyrillic and Greek have no word list here: an unlisted first word may be a greeting ("Αγαπητέ Γιώργο").
    if (!head.latin && head.grade !== 'given' && tail.length > 0 && cueBefore(text, head.start) === undefined) continue;
    // "University of Gothenburg Alexander Johansson": a weak first word before a given name is not part of it.
    if (tail[0]?.grade === 'given' && !NAMEY.has(head.grade) && tail.length > 1) continue;
    const score = scoreRun(text, tokens, i, tail);
    const last = tail[tail.length - 1] ?? head;
    runs.push({ start: head.start, end: last.end, score, head, lone: tail.length === 0, lastIndex: i + tail.length });
    i += tail.length;
  }
  scoreLists(text, runs);
  for (const r of runs) if (r.score > 0) out.push({ entity: 'person', start: r.start, end: r.end, score: Math.min(0.95, r.score) });
  if (text.includes('name')) scanLowercaseNames(text, out, true);
}
