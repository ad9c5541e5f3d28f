// Lexical basics shared by the topics and groundedness detectors: word tokens with offsets, stop words, a light suffix stemmer.
import stopwords from './stopwords.json' with { type: 'json' };

export interface Token {
  /** Lower-cased word, apostrophes unified, possessive "'s" removed. */
  word: string;
  /** Offsets into the tokenised text (UTF-16, end exclusive). */
  start: number;
  end: number;
}

// Letters or digits, with inner apostrophes ("don't") and combining marks; compiled once.
const WORD_RE = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’][\p{L}\p{M}]+)*/gu;
const CURLY = /’/g;

/** Calls `fn` for each word token of `text` (at most `max`), without allocating token objects. */
export function forEachWord(text: string, fn: (word: string, start: number, end: number) => void, max = Infinity): void {
  // Lower-case the whole text once when that keeps offsets (it does unless e.g. "İ" expands).
  const lower = text.toLowerCase();
  const sameLength = lower.length === text.length;
  const source = sameLength ? lower : text;
  WORD_RE.lastIndex = 0;
  let n = 0;
  for (let m = WORD_RE.exec(source); m && n < max; m = WORD_RE.exec(source), n++) {
    let word = sameLength ? m[0] : m[0].toLowerCase();
    if (word.length > 1) {
      if (word.includes('’')) word = word.replace(CURLY, "'");
      if (word.endsWith("'s")) word = word.slice(0, -2);
    }
    fn(word, m.index, m.index + m[0].length);
  }
  WORD_RE.lastIndex = 0;
}

/** Word tokens of `text`, at most `max` of them. */
export function tokenize(text: string, max = Infinity): Token[] {
  const out: Token[] = [];
  forEachWord(text, (word, start, end) => out.push({ word, start, end }), max);
  return out;
}

const STOP = new Set<string>([...stopwords.en, ...stopwords.de, ...stopwords.fr, ...stopwords.es]);

/** Function words of English, German, French and Spanish (and a few very common English verbs). */
export function isStopWord(word: string): boolean {
  return STOP.has(word);
}

// Words repeat a lot; a bounded cache makes stemming a map look-up (cleared wholesale when full).
const STEM_CACHE = new Map<string, string>();
const STEM_CACHE_MAX = 50_000;
/** Longer words are not cached, so a hostile text cannot pin megabytes in the cache. */
const STEM_CACHE_MAX_WORD = 40;
const VOWEL = /[aeiouy]/;
const LATIN_LOWER = /^[a-zà-öø-ÿ]+$/;
const DOUBLE_END = /([bdfgkmnprt])\1$/;

/**
 * A light suffix stripper in the spirit of Porter's first steps: plurals, -ing/-ed, -ly, -ment, -ness,
 * -ation, final -e. It aims at consistency (the same stem for "invest", "investing", "investments"),
 * not linguistics, and is applied identically to configured terms and scanned text, so over-stemming
 * ("use" and "using" both give "us") is harmless. Words outside the Latin alphabet, and words of one
 * or two letters, are returned unchanged.
 */
export function stem(word: string): string {
  if (word.length > STEM_CACHE_MAX_WORD) return stemUncached(word);
  let cached = STEM_CACHE.get(word);
  if (cached === undefined) {
    cached = stemUncached(word);
    if (STEM_CACHE.size >= STEM_CACHE_MAX) STEM_CACHE.clear();
    STEM_CACHE.set(word, cached);
  }
  return cached;
}

function stemUncached(word: string): string {
  let w = word;
  if (w.length <= 2 || !LATIN_LOWER.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (/(?:ch|sh|[xz])es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);

  if (w.endsWith('ational')) w = `${w.slice(0, -7)}ate`;
  else if (w.endsWith('ization')) w = `${w.slice(0, -7)}ize`;
  else if (w.endsWith('ation') && w.length > 7) w = `${w.slice(0, -5)}ate`;
  else if (w.endsWith('ness') && w.length > 6) w = w.slice(0, -4);
  else if (w.endsWith('ment') && w.length > 7) w = w.slice(0, -4);
  else if (w.endsWith('ly') && w.length > 5) w = w.slice(0, -2);

  for (const suffix of ['ing', 'ed']) {
    if (w.endsWith(suffix)) {
      const base = w.slice(0, -suffix.length);
      if (base.length >= 2 && VOWEL.test(base)) {
        w = DOUBLE_END.test(base) ? base.slice(0, -1) : base;
      }
      break;
    }
  }
  if (w.endsWith('e') && w.length >= 3) w = w.slice(0, -1);
  return w;
}
