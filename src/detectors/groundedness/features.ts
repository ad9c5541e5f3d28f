// Features of one sentence for grounding: content stems, normalised numbers, capitalised named entities, polarity.
import { forEachWord, isStopWord, stem } from '../topics/lexicon.js';

export interface SentenceFeatures {
  /** Distinct stems of content words (spelled numbers become digits). */
  stems: Set<string>;
  /** Every lower-cased word, for entity look-ups. */
  words: Set<string>;
  /** Numeric values as canonical strings: "1,000" → "1000", "5%" → "5", "2.5 million" → "2500000". */
  numbers: Set<string>;
  /** Capitalised names not at the sentence start, each as its lower-cased words. */
  entities: string[][];
  /**
   * True when the sentence asserts the opposite of its plain reading: a negation ("is not"), or a
   * refutation frame ("it is a myth that", "many people think"), but not both (a refuted negation).
   */
  flipped: boolean;
  /** Number of content words (with repeats): the claim's weight. */
  contentCount: number;
}

// Maps, not object literals: scanned words such as "constructor" must not reach Object.prototype.
const NUMBER_WORDS = new Map<string, number>(
  Object.entries({
    zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11,
    twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
    twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90, hundred: 100,
    dozen: 12,
  }),
);
const SCALES = new Map<string, number>(Object.entries({ thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12, bn: 1e9 }));

// Digits with optional decimals, then an optional scale word (thousands separators are removed first,
// see normaliseDigits). Linear: the optional groups start with characters the digits cannot match.
const NUMBER_RE = /(?<![\p{L}\p{N}.])(\d+)(?:\.(\d+))?(?:\s?(thousand|million|billion|trillion|bn)\b)?/giu;
const THOUSANDS = /(\d),(?=\d{3}(?!\d))/g;
const LEADING_ZEROS = /^0+(?=\d)/;
const NEGATION_RE = /\b(?:not|no|never|none|nobody|nothing|neither|nor|cannot|without)\b|n['’]t\b/i;
// Frames that report a belief in order to refute it, common in documents that debunk myths.
const REFUTATION_RE =
  /\b(?:misconceptions?|myths?|mistakenly|incorrectly|wrongly|falsely|erroneously|contrary to|misattributed|misquoted|(?:not|no longer) true that|(?:people|many|some|often|commonly|widely|popularly) (?:think|thinks|believe|believes|believed|say|claim|assume)|popular belief|common belief)\b/i;
const UPPER = /^\p{Lu}/u;
const ACRONYM = /^\p{Lu}[\p{Lu}\d]+$/u;
// Words that are capitalised for reasons other than being names.
const NOT_NAMES = new Set(['i', "i'm", "i've", "i'd", "i'll"]);

function canonical(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/** Removes thousands separators so that "1,000" and "1000" read alike. */
export function normaliseDigits(text: string): string {
  return text.includes(',') ? text.replace(THOUSANDS, '$1') : text;
}

/** Numbers written with digits in `text` (already through normaliseDigits), canonicalised. */
export function digitNumbers(text: string, into: Set<string>): void {
  NUMBER_RE.lastIndex = 0;
  for (let m = NUMBER_RE.exec(text); m; m = NUMBER_RE.exec(text)) {
    if (!m[2] && !m[3] && m[1]!.length < 15) {
      // Plain integers, the common case: canonical form without the float round trip.
      into.add(m[1]!.replace(LEADING_ZEROS, ''));
      continue;
    }
    let v = Number(`${m[1]!}${m[2] ? `.${m[2]}` : ''}`);
    if (m[3]) v *= SCALES.get(m[3].toLowerCase()) ?? 1;
    if (Number.isFinite(v)) into.add(canonical(v));
  }
  NUMBER_RE.lastIndex = 0;
}

/** Whether `text` carries a negation or a refutation frame. */
export function hasPolarityCue(text: string): boolean {
  return NEGATION_RE.test(text) || REFUTATION_RE.test(text);
}

/** Negation XOR refutation frame: "it is a myth that X is not Y" asserts X is Y. */
export function isFlipped(text: string): boolean {
  return NEGATION_RE.test(text) !== REFUTATION_RE.test(text);
}

/** The spelled number a word stands for, as a canonical string ("three" → "3"). */
export function spelledNumber(word: string): string | undefined {
  const v = NUMBER_WORDS.get(word);
  return v === undefined ? undefined : canonical(v);
}

function isName(raw: string, word: string, start: number, end: number, first: boolean): boolean {
  const c = raw.charCodeAt(start);
  if (c < 0x80 && !(c >= 0x41 && c <= 0x5a)) return false;
  const original = raw.slice(start, end);
  if (!UPPER.test(original) || NOT_NAMES.has(word)) return false;
  return ACRONYM.test(original) || (!first && !isStopWord(word));
}

/**
 * Features of a claim or document sentence. `spelledNumbers` adds "three" → 3 to the numbers (for
 * documents: a claim saying "3" is supported by "three"; claims do not count "one of" as a number).
 */
export function sentenceFeatures(text: string, spelledNumbers: boolean): SentenceFeatures {
  const raw = normaliseDigits(text);
  const stems = new Set<string>();
  const words = new Set<string>();
  const numbers = new Set<string>();
  const entities: string[][] = [];
  let current: string[] = [];
  let contentCount = 0;
  let first = true;
  forEachWord(raw, (word, start, end) => {
    words.add(word);
    if (isName(raw, word, start, end, first)) current.push(word);
    else if (current.length > 0) {
      entities.push(current);
      current = [];
    }
    first = false;
    if (isStopWord(word)) return;
    contentCount++;
    const spelled = spelledNumber(word);
    if (spelled !== undefined) {
      stems.add(spelled);
      if (spelledNumbers) numbers.add(spelled);
    } else stems.add(stem(word));
  });
  if (current.length > 0) entities.push(current);
  digitNumbers(raw, numbers);
  return { stems, words, numbers, entities, flipped: isFlipped(text), contentCount };
}
