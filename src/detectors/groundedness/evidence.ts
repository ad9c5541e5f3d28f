// Index of the grounding documents: sentences, IDF weights, an inverted index from stem to sentences, all words and numbers.
import { isStopWord, forEachWord, stem } from '../topics/lexicon.js';
import { digitNumbers, normaliseDigits, sentenceFeatures, spelledNumber, type SentenceFeatures } from './features.js';
import { splitSentences } from './sentences.js';

export interface DocSentence {
  doc: number;
  text: string;
}

export class DocumentIndex {
  readonly sentences: DocSentence[] = [];
  /** Stem → ids of the sentences containing it (ascending, no repeats). */
  readonly postings = new Map<string, number[]>();
  /** Every word and number of the documents, for the strict checks. */
  readonly words = new Set<string>();
  readonly numbers = new Set<string>();
  /** Full features, computed only for the sentences that end up in a claim's best window. */
  private readonly featureCache = new Map<number, SentenceFeatures>();

  /** Indexes `documents`, reading at most `maxChars` characters and `maxSentences` sentences in total. */
  constructor(documents: readonly unknown[], maxChars: number, maxSentences: number) {
    let budget = maxChars;
    documents.forEach((d, doc) => {
      if (typeof d !== 'string' || budget <= 0 || this.sentences.length >= maxSentences) return;
      const text = normaliseDigits(d.length > budget ? d.slice(0, budget) : d);
      budget -= text.length;
      for (const s of splitSentences(text, maxSentences - this.sentences.length)) {
        const id = this.sentences.length;
        this.sentences.push({ doc, text: s.text });
        forEachWord(s.text, (word) => {
          this.words.add(word);
          if (isStopWord(word)) return;
          const spelled = spelledNumber(word);
          if (spelled !== undefined) this.numbers.add(spelled);
          const key = spelled ?? stem(word);
          const list = this.postings.get(key);
          if (!list) this.postings.set(key, [id]);
          else if (list[list.length - 1] !== id) list.push(id);
        });
        digitNumbers(s.text, this.numbers);
      }
    });
  }

  get size(): number {
    return this.sentences.length;
  }

  features(id: number): SentenceFeatures {
    let f = this.featureCache.get(id);
    if (!f) {
      f = sentenceFeatures(this.sentences[id]!.text, true);
      this.featureCache.set(id, f);
    }
    return f;
  }

  /**
   * Inverse document frequency over sentences (BM25's smoothed form, always positive). A stem found
   * nowhere gets the weight of the rarest present stem: absence is judged by the coverage, and a
   * larger weight would let one unknown word sink an otherwise supported claim.
   */
  idf(stem: string): number {
    const n = this.sentences.length;
    const df = Math.max(1, this.postings.get(stem)?.length ?? 0);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }
}
