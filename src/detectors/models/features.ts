// Hashed n-gram features shared by every shipped text classifier, at training time and at run time alike.
//
// A text (already normalised by src/text) is split into tokens; each token yields its word feature,
// a bigram with the previous token, and character n-grams of the token padded with boundary marks
// (fastText-style subwords, which carry over to misspellings, inflections and other languages).
// Scripts written without spaces (CJK, Thai...) are split into one-character tokens so that their
// bigrams and trigrams carry the meaning. Every feature is hashed (FNV-1a) into 2^bits buckets and
// gets a sign from one more hash bit, which keeps collisions unbiased.

export interface FeatureSpec {
  /** log2 of the number of hash buckets. */
  bits: number;
  /** Smallest and largest character n-gram length. */
  charMin: number;
  charMax: number;
  /** Only the first `maxTokenChars` characters of a long token give character n-grams. */
  maxTokenChars: number;
  wordUnigrams: boolean;
  wordBigrams: boolean;
}

export const DEFAULT_FEATURE_SPEC: FeatureSpec = {
  bits: 18,
  charMin: 3,
  charMax: 5,
  maxTokenChars: 24,
  wordUnigrams: true,
  wordBigrams: true,
};

/** Features of one text: parallel arrays of bucket index and signed count, plus the token offsets they came from. */
export interface FeatureBag {
  /** Number of features written. */
  length: number;
  index: Int32Array;
  value: Float32Array;
  /** Token ordinal each feature belongs to (for window scoring). */
  token: Int32Array;
  /** Number of tokens. */
  tokens: number;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SEED_WORD = 0x9e3779b1;
const SEED_BIGRAM = 0x85ebca6b;
const SEED_CHAR = 0xc2b2ae35;

/** Character classes: 0 separator, 1 word character, 2 character of an unspaced script (one token each). */
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const isWord = (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  ASCII_CLASS[c] = isWord ? 1 : 0;
}

function charClass(c: number): number {
  if (c < 128) return ASCII_CLASS[c]!;
  // General punctuation, spaces, arrows, maths symbols, box drawing, CJK punctuation, fullwidth punctuation.
  if (c >= 0x2000 && c <= 0x2bff) return 0;
  if (c >= 0x3000 && c <= 0x303f) return 0;
  if (c >= 0xff00 && c <= 0xff0f) return 0;
  if (c === 0xa0 || c === 0xab || c === 0xbb || c === 0xbf || c === 0xa1 || c === 0xb7) return 0;
  if (c >= 0xfe30 && c <= 0xfe4f) return 0; // CJK compatibility forms
  // Unspaced scripts: Thai, Lao, Khmer, Myanmar, Hiragana, Katakana, CJK ideographs, Hangul syllables are spaced
  // in Korean so they stay words.
  if ((c >= 0x0e00 && c <= 0x0eff) || (c >= 0x1000 && c <= 0x109f) || (c >= 0x1780 && c <= 0x17ff)) return 2;
  if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff)) return 2;
  if (c >= 0xf900 && c <= 0xfaff) return 2;
  if (c >= 0xd800 && c <= 0xdfff) return 1; // astral characters (emoji, rare CJK) stay inside words
  return 1;
}

export class Featurizer {
  readonly spec: FeatureSpec;
  private readonly mask: number;
  private bag: FeatureBag;

  constructor(spec: FeatureSpec = DEFAULT_FEATURE_SPEC) {
    if (!Number.isInteger(spec.bits) || spec.bits < 8 || spec.bits > 24) throw new TypeError('bits must be 8..24');
    this.spec = spec;
    this.mask = (1 << spec.bits) - 1;
    this.bag = allocate(4096);
  }

  /**
   * Extracts the features of `text` into a reused buffer (valid until the next call).
   * `maxChars` bounds the work on huge inputs; callers window long texts themselves.
   */
  extract(text: string, maxChars = 20_000): FeatureBag {
    const bag = this.bag;
    bag.length = 0;
    bag.tokens = 0;
    const n = Math.min(text.length, maxChars);
    let prevWordHash = 0;
    let havePrev = false;
    let i = 0;
    while (i < n) {
      const cls = charClass(text.charCodeAt(i));
      if (cls === 0) {
        i++;
        continue;
      }
      let end = i + 1;
      if (cls === 1) {
        while (end < n && charClass(text.charCodeAt(end)) === 1) end++;
      }
      const wordHash = this.emitToken(text, i, end);
      if (this.spec.wordBigrams && havePrev) this.push(mix(SEED_BIGRAM, prevWordHash, wordHash));
      prevWordHash = wordHash;
      havePrev = true;
      this.bag.tokens++;
      i = end;
    }
    return this.bag;
  }

  private emitToken(text: string, start: number, end: number): number {
    let wordHash = FNV_OFFSET;
    for (let k = start; k < end; k++) wordHash = Math.imul(wordHash ^ text.charCodeAt(k), FNV_PRIME);
    if (this.spec.wordUnigrams) this.push(mix(SEED_WORD, wordHash, 0));
    const { charMin, charMax, maxTokenChars } = this.spec;
    // Padded token: boundary mark, characters, boundary mark. Position -1 and len are the marks.
    const len = Math.min(end - start, maxTokenChars);
    const padded = len + 2;
    if (padded < charMin) return wordHash;
    for (let s = 0; s + charMin <= padded; s++) {
      let h = SEED_CHAR;
      const stop = Math.min(padded, s + charMax);
      for (let p = s; p < stop; p++) {
        const c = p === 0 || p === padded - 1 ? 0x1f : text.charCodeAt(start + p - 1);
        h = Math.imul(h ^ c, FNV_PRIME);
        if (p - s + 1 >= charMin) this.push(h ^ (h >>> 15));
      }
    }
    return wordHash;
  }

  private push(hash: number): void {
    let bag = this.bag;
    if (bag.length === bag.index.length) bag = this.bag = grow(bag);
    const h = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
    bag.index[bag.length] = (h >>> 1) & this.mask;
    bag.value[bag.length] = (h & 1) === 0 ? 1 : -1;
    bag.token[bag.length] = bag.tokens;
    bag.length++;
  }
}

function mix(seed: number, a: number, b: number): number {
  let h = Math.imul(seed ^ a, FNV_PRIME);
  h = Math.imul(h ^ (b >>> 0), FNV_PRIME);
  return h ^ (h >>> 13);
}

function allocate(size: number): FeatureBag {
  return { length: 0, tokens: 0, index: new Int32Array(size), value: new Float32Array(size), token: new Int32Array(size) };
}

function grow(bag: FeatureBag): FeatureBag {
  const next = allocate(bag.index.length * 2);
  next.index.set(bag.index);
  next.value.set(bag.value);
  next.token.set(bag.token);
  next.length = bag.length;
  next.tokens = bag.tokens;
  return next;
}
