// Hashed n-gram features shared by every shipped text classifier, at training time and at run time alike.
//
// A text (already normalised by src/text) is split into tokens; each token yields its word feature,
// a bigram with the previous token, and character n-grams of the token padded with boundary marks
// (fastText-style subwords, which carry over to misspellings, inflections and other languages).
// Scripts written without spaces (CJK, Thai...) are split into one-character tokens so that their
// bigrams and trigrams carry the meaning. Every feature is hashed (FNV-1a) into 2^bits buckets and
// gets a sign from one more hash bit, which keeps collisions unbiased.

import { type ConceptLexicon, FNV_OFFSET, FNV_PRIME, MAX_PHRASE_TOKENS, MAX_PREFIX, MIN_PREFIX, phraseKey } from './concepts.js';

export interface FeatureSpec {
  /** Emit concept-class features from the shared lexicon (concepts.json). */
  concepts?: boolean;
  /** Version of the lexicon the weights were trained with (checked at load time). */
  conceptsVersion?: string;
  /** log2 of the number of hash buckets. */
  bits: number;
  /** Smallest and largest character n-gram length. */
  charMin: number;
  charMax: number;
  /** Only the first `maxTokenChars` characters of a long token give character n-grams. */
  maxTokenChars: number;
  wordUnigrams: boolean;
  wordBigrams: boolean;
  /**
   * A token made of ASCII digits only gives the features of its shape (every digit read as 0): "order 17" and
   * "order 20" look alike, so that order numbers, amounts and dates are not random evidence through the hash
   * buckets their digits happen to fall in. Concept-lexicon matching still sees the digits. Absent in models
   * trained before it existed.
   */
  digitShapes?: boolean;
}

export const DEFAULT_FEATURE_SPEC: FeatureSpec = {
  concepts: true,
  bits: 17,
  charMin: 3,
  charMax: 4,
  maxTokenChars: 24,
  wordUnigrams: true,
  wordBigrams: true,
  digitShapes: true,
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

const SEED_WORD = 0x9e3779b1;
const SEED_BIGRAM = 0x85ebca6b;
const SEED_CHAR = 0xc2b2ae35;
const SEED_CLASS = 0x3c6ef372;
const SEED_PAIR = 0xa54ff53a;
/** Two concept matches at most this many tokens apart form a pair feature. */
const PAIR_WINDOW = 8;
/** A match pairs with at most this many earlier matches. */
const PAIR_FANOUT = 6;

/**
 * Character classes for the whole BMP in one table: 0 separator, 1 word character, 2 character of an
 * unspaced script (Thai, Lao, Khmer, Myanmar, kana, CJK ideographs), which forms a token on its own.
 * Astral characters (surrogates) stay inside words.
 */
const CLASS = buildClassTable();

function buildClassTable(): Uint8Array {
  const t = new Uint8Array(0x10000).fill(1);
  for (let c = 0; c < 128; c++) {
    const isWord = (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
    t[c] = isWord ? 1 : 0;
  }
  const sep = (a: number, b: number): void => void t.fill(0, a, b + 1);
  const unspaced = (a: number, b: number): void => void t.fill(2, a, b + 1);
  sep(0x80, 0xbf); // Latin-1 controls and punctuation/symbols
  t[0xaa] = 1; // ª
  t[0xb5] = 1; // µ
  t[0xba] = 1; // º
  t[0xd7] = 0; // ×
  t[0xf7] = 0; // ÷
  sep(0x2000, 0x2bff); // general punctuation, symbols, arrows, maths, box drawing
  sep(0x3000, 0x303f); // CJK punctuation
  sep(0xfe30, 0xfe4f); // CJK compatibility forms
  sep(0xff00, 0xff0f); // fullwidth punctuation
  sep(0xff1a, 0xff20);
  sep(0xfff0, 0xffff); // specials
  unspaced(0x0e00, 0x0eff); // Thai, Lao
  unspaced(0x1000, 0x109f); // Myanmar
  unspaced(0x1780, 0x17ff); // Khmer
  unspaced(0x3040, 0x30ff); // Hiragana, Katakana
  unspaced(0x3400, 0x4dbf); // CJK extension A
  unspaced(0x4e00, 0x9fff); // CJK unified ideographs
  unspaced(0xf900, 0xfaff); // CJK compatibility ideographs
  return t;
}

/** Splits text into tokens exactly as the featurizer does; returns each token's FNV hash and text. */
export function tokenize(text: string): { hashes: number[]; text: string[] } {
  const hashes: number[] = [];
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const cls = CLASS[text.charCodeAt(i)]!;
    if (cls === 0) {
      i++;
      continue;
    }
    let end = i + 1;
    if (cls === 1) while (end < text.length && CLASS[text.charCodeAt(end)] === 1) end++;
    let h = FNV_OFFSET;
    for (let k = i; k < end; k++) h = Math.imul(h ^ text.charCodeAt(k), FNV_PRIME);
    hashes.push(h >>> 0);
    tokens.push(text.slice(i, end));
    i = end;
  }
  return { hashes, text: tokens };
}

export class Featurizer {
  readonly spec: FeatureSpec;
  private readonly mask: number;
  private bag: FeatureBag;
  /**
   * Fused scoring (see `accumulate`): when set, features are not stored but added straight into running sums per
   * head, and the sums at every token boundary are recorded — the hot path of the detectors.
   */
  private sink: AccumulatorSink | undefined;

  private readonly lexicon: ConceptLexicon | undefined;
  /** Last token hashes (for phrase keys) and concept matches (for pairs) of the current text. */
  private readonly recent = new Uint32Array(MAX_PHRASE_TOKENS);
  private matchClass = new Int32Array(256);
  private matchToken = new Int32Array(256);
  private matches = 0;

  constructor(spec: FeatureSpec = DEFAULT_FEATURE_SPEC, lexicon?: ConceptLexicon) {
    if (spec.concepts && !lexicon) throw new TypeError('this feature spec needs the concept lexicon');
    this.lexicon = spec.concepts ? lexicon : undefined;
    if (!Number.isInteger(spec.bits) || spec.bits < 8 || spec.bits > 24) throw new TypeError('bits must be 8..24');
    this.spec = spec;
    this.mask = (1 << spec.bits) - 1;
    this.bag = allocate(4096);
    this.padded = new Int32Array(spec.maxTokenChars + 2);
    this.charMin = spec.charMin;
    this.charMax = spec.charMax;
    this.maxTokenChars = spec.maxTokenChars;
    this.digitShapes = spec.digitShapes === true;
  }

  /**
   * Extracts the features of `text` into a reused buffer (valid until the next call).
   * `maxChars` bounds the work on huge inputs; callers window long texts themselves.
   */
  extract(text: string, maxChars = 20_000): FeatureBag {
    const bag = this.bag;
    bag.length = 0;
    bag.tokens = 0;
    this.matches = 0;
    const n = Math.min(text.length, maxChars);
    let prevWordHash = 0;
    let havePrev = false;
    let i = 0;
    while (i < n) {
      const cls = CLASS[text.charCodeAt(i)]!;
      if (cls === 0) {
        i++;
        continue;
      }
      let end = i + 1;
      if (cls === 1) while (end < n && CLASS[text.charCodeAt(end)] === 1) end++;
      const rawHash = this.emitToken(text, i, end, this.digitShapes && allDigits(text, i, end));
      const wordHash = this.featureWordHash;
      if (this.spec.wordBigrams && havePrev) this.push(mix(SEED_BIGRAM, prevWordHash, wordHash));
      if (this.lexicon) this.matchPhrases(rawHash);
      prevWordHash = wordHash;
      havePrev = true;
      this.bag.tokens++;
      if (this.sink) this.sink.closeToken(this.bag.tokens);
      i = end;
    }
    return this.bag;
  }

  /**
   * Scores `text` without storing its features: every feature's weights (bucket-major int8, `heads` per bucket)
   * are added into the sink's running sums, whose values at each token boundary the sink keeps for window scores.
   * Returns the number of tokens.
   */
  accumulate(text: string, sink: AccumulatorSink, maxChars = 20_000): number {
    this.sink = sink;
    try {
      return this.extract(text, maxChars).tokens;
    } finally {
      this.sink = undefined;
    }
  }

  private readonly padded: Int32Array;
  private readonly digitShapes: boolean;
  /** Hash of the last token as its features see it (its shape when `digitShapes` applies, else its text). */
  private featureWordHash = 0;
  private readonly charMin: number;
  private readonly charMax: number;
  private readonly maxTokenChars: number;

  /** Emits the features of one token and returns the hash of its text (the key of concept-lexicon lookups). */
  private emitToken(text: string, start: number, end: number, shaped: boolean): number {
    let wordHash = FNV_OFFSET;
    const lexicon = this.lexicon;
    if (lexicon) {
      // Running hash of the token's first k characters doubles as the key of stem entries.
      const stop = Math.min(end, start + MAX_PREFIX);
      let k = start;
      for (; k < stop; k++) {
        wordHash = Math.imul(wordHash ^ text.charCodeAt(k), FNV_PRIME);
        const len = k - start + 1;
        if (len >= MIN_PREFIX) {
          const classes = lexicon.prefixClasses(wordHash >>> 0, len);
          if (classes) for (const c of classes) this.addMatch(c);
        }
      }
      for (; k < end; k++) wordHash = Math.imul(wordHash ^ text.charCodeAt(k), FNV_PRIME);
      wordHash >>>= 0;
    } else {
      for (let k = start; k < end; k++) wordHash = Math.imul(wordHash ^ text.charCodeAt(k), FNV_PRIME);
    }
    let featureHash = wordHash;
    if (shaped) {
      featureHash = FNV_OFFSET;
      for (let k = start; k < end; k++) featureHash = Math.imul(featureHash ^ 48, FNV_PRIME);
      featureHash >>>= 0;
    }
    this.featureWordHash = featureHash;
    if (this.spec.wordUnigrams) this.push(mix(SEED_WORD, featureHash, 0));
    const charMin = this.charMin;
    const charMax = this.charMax;
    const maxTokenChars = this.maxTokenChars;
    // Padded token: boundary mark, characters, boundary mark.
    const len = Math.min(end - start, maxTokenChars);
    const width = len + 2;
    if (width < charMin) return wordHash;
    const padded = this.padded;
    padded[0] = 0x1f;
    if (shaped) padded.fill(48, 1, len + 1);
    else for (let k = 0; k < len; k++) padded[k + 1] = text.charCodeAt(start + k);
    padded[len + 1] = 0x1f;
    for (let s = 0; s + charMin <= width; s++) {
      let h = SEED_CHAR;
      const stop = Math.min(width, s + charMax);
      let p = s;
      for (; p < s + charMin - 1; p++) h = Math.imul(h ^ padded[p]!, FNV_PRIME);
      for (; p < stop; p++) {
        h = Math.imul(h ^ padded[p]!, FNV_PRIME);
        this.push(h ^ (h >>> 15));
      }
    }
    return wordHash;
  }

  /**
   * Looks up the words and phrases ending at the current token (its hash is `wordHash`). `recent[k]` holds the
   * key of the phrase of k+1 tokens that ended at the previous token, so each longer key is one step away.
   */
  private matchPhrases(wordHash: number): void {
    const lexicon = this.lexicon!;
    const recent = this.recent;
    const seen = this.bag.tokens; // tokens before this one
    const own = lexicon.exactClasses(wordHash);
    if (own) for (const c of own) this.addMatch(c);
    const available = Math.min(seen, MAX_PHRASE_TOKENS - 1);
    // New keys, longest first so that recent[k - 1] is still the previous token's value when it is read.
    for (let k = available; k >= 1; k--) {
      const key = phraseKey(recent[k - 1]!, wordHash);
      recent[k] = key;
      const classes = lexicon.exactClasses(key);
      if (classes) for (const c of classes) this.addMatch(c);
    }
    recent[0] = wordHash;
  }

  /** Records a concept match at the current token: a class feature, and pair features with recent matches. */
  private addMatch(classId: number): void {
    const t = this.bag.tokens;
    let m = this.matches;
    for (let j = m - 1; j >= 0 && this.matchToken[j] === t; j--) if (this.matchClass[j] === classId) return;
    this.push(mix(SEED_CLASS, classId, 0));
    let paired = 0;
    for (let j = m - 1; j >= 0 && paired < PAIR_FANOUT; j--) {
      const tj = this.matchToken[j]!;
      if (t - tj > PAIR_WINDOW) break;
      if (tj === t) continue;
      this.push(mix(SEED_PAIR, this.matchClass[j]!, classId));
      paired++;
    }
    if (m === this.matchClass.length) {
      const grownClass = new Int32Array(m * 2);
      const grownToken = new Int32Array(m * 2);
      grownClass.set(this.matchClass);
      grownToken.set(this.matchToken);
      this.matchClass = grownClass;
      this.matchToken = grownToken;
    }
    this.matchClass[m] = classId;
    this.matchToken[m] = t;
    this.matches = ++m;
  }

  private push(hash: number): void {
    const sink = this.sink;
    if (sink) {
      const h = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
      sink.add(((h >>> 1) & this.mask) & sink.mask, (h & 1) === 0 ? 1 : -1);
      return;
    }
    let bag = this.bag;
    if (bag.length === bag.index.length) bag = this.bag = grow(bag);
    const h = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
    const k = bag.length++;
    bag.index[k] = (h >>> 1) & this.mask;
    bag.value[k] = (h & 1) === 0 ? 1 : -1;
    bag.token[k] = bag.tokens;
  }
}

function allDigits(text: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
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

/**
 * Running per-head sums of a linear model over a text, with a snapshot at every token boundary so that any
 * window of tokens can be scored from two snapshots (prefix sums).
 */
export class AccumulatorSink {
  readonly mask: number;
  private readonly weights: Int8Array;
  private readonly heads: number;
  /** prefix[t * heads + h]: sum of head h over tokens before t; counts[t]: features before token t. */
  prefix = new Float64Array(0);
  counts = new Int32Array(0);
  private readonly sums: Float64Array;
  private count = 0;

  constructor(weights: Int8Array, heads: number, buckets: number) {
    this.weights = weights;
    this.heads = heads;
    this.mask = buckets - 1;
    this.sums = new Float64Array(heads);
    this.reserve(512);
  }

  /** Starts a new text. */
  reset(): void {
    this.sums.fill(0);
    this.count = 0;
    this.prefix.fill(0, 0, this.heads);
    this.counts[0] = 0;
  }

  add(bucket: number, sign: number): void {
    const H = this.heads;
    const base = bucket * H;
    const w = this.weights;
    const sums = this.sums;
    if (H === 3) {
      sums[0] = sums[0]! + sign * w[base]!;
      sums[1] = sums[1]! + sign * w[base + 1]!;
      sums[2] = sums[2]! + sign * w[base + 2]!;
    } else {
      for (let h = 0; h < H; h++) sums[h] = sums[h]! + sign * w[base + h]!;
    }
    this.count++;
  }

  /** Records the sums after `tokens` tokens. */
  closeToken(tokens: number): void {
    if (tokens + 1 > this.counts.length) this.reserve(2 * (tokens + 1));
    const row = tokens * this.heads;
    for (let h = 0; h < this.heads; h++) this.prefix[row + h] = this.sums[h]!;
    this.counts[tokens] = this.count;
  }

  /** Features seen so far (all tokens). */
  get features(): number {
    return this.count;
  }

  private reserve(tokens: number): void {
    const prefix = new Float64Array(tokens * this.heads);
    prefix.set(this.prefix.subarray(0, Math.min(this.prefix.length, prefix.length)));
    const counts = new Int32Array(tokens);
    counts.set(this.counts.subarray(0, Math.min(this.counts.length, counts.length)));
    this.prefix = prefix;
    this.counts = counts;
  }
}
