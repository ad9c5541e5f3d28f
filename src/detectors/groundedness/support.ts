// Support of one claim by the documents: IDF-weighted overlap with the best passage windows, then strict checks on numbers, names and polarity.
import { hasPolarityCue, isFlipped, type SentenceFeatures } from './features.js';
import type { DocumentIndex } from './evidence.js';

export type SupportIssue = 'overlap' | 'number' | 'entity' | 'negation';

export interface Support {
  /** 0..1: share of the claim's weighted content found in the best windows, times the strict-check penalties. */
  support: number;
  issues: SupportIssue[];
}

/** Penalty factors for a hard token found: in the supporting windows / elsewhere in the documents / only in the question / nowhere. */
const NUMBER_FACTOR = { window: 1, documents: 0.8, prompt: 0.8, absent: 0.3 };
const ENTITY_FACTOR = { window: 1, documents: 0.8, prompt: 0.85, absent: 0.35 };
/** A name only partly found ("Recover Account" where the documents say "account"). */
const PARTIAL_ENTITY_FACTOR = 0.5;
const NEGATION_FACTOR = 0.4;
/** Credit for a content word found only in the question: a restated premise is not evidence, but not invention either. */
const PROMPT_CREDIT = 0.5;
/** Credit for words found in a second window: claims often merge two passages, but one passage is stronger evidence. */
const SECOND_WINDOW_CREDIT = 0.9;
const LOW_OVERLAP = 0.5;
/** The polarity check compares clauses; it means something only when the window is about the claim. */
const NEGATION_MIN_COVERAGE = 0.3;

const CLAUSE_SPLIT = /[,;:]|\b(?:but|while|whereas|although|though|however|yet)\b/i;

interface Window {
  /** Sentence ids of the window (a sentence and its neighbours in the same document). */
  ids: number[];
  /** The sentence of the window sharing most weight with the claim. */
  bestSentence: number;
}

/** Per-scan work arrays over the document sentences, reused for every claim. */
export class SupportScorer {
  private readonly window: Float64Array;
  private readonly sentence: Float64Array;
  private readonly stamp: Int32Array;
  private marker = 0;

  constructor(
    private readonly index: DocumentIndex,
    private readonly prompt: SentenceFeatures | undefined,
  ) {
    const n = index.size;
    this.window = new Float64Array(n);
    this.sentence = new Float64Array(n);
    this.stamp = new Int32Array(n);
  }

  /** The window holding the most weight of `stems` (each stem counted once per window), if any. */
  private bestWindow(stems: readonly string[], weights: readonly number[]): Window | undefined {
    const sentences = this.index.sentences;
    const touched: number[] = [];
    const touch = (t: number) => {
      if (this.sentence[t] === 0 && this.window[t] === 0) touched.push(t);
    };
    stems.forEach((st, k) => {
      const list = this.index.postings.get(st);
      if (!list) return;
      const w = weights[k]!;
      const mark = ++this.marker;
      for (const s of list) {
        touch(s);
        this.sentence[s]! += w;
        for (let t = s - 1; t <= s + 1; t++) {
          if (t < 0 || t >= sentences.length || sentences[t]!.doc !== sentences[s]!.doc || this.stamp[t] === mark) continue;
          touch(t);
          this.stamp[t] = mark;
          this.window[t]! += w;
        }
      }
    });
    let best = -1;
    for (const t of touched) {
      if (best < 0 || this.window[t]! > this.window[best]! || (this.window[t] === this.window[best] && this.sentence[t]! > this.sentence[best]!)) best = t;
    }
    let result: Window | undefined;
    if (best >= 0) {
      const ids = [best - 1, best, best + 1].filter((t) => t >= 0 && t < sentences.length && sentences[t]!.doc === sentences[best]!.doc);
      const bestSentence = ids.reduce((a, b) => (this.sentence[b]! > this.sentence[a]! ? b : a), best);
      result = { ids, bestSentence };
    }
    for (const t of touched) {
      this.window[t] = 0;
      this.sentence[t] = 0;
    }
    return result;
  }

  score(claim: SentenceFeatures): Support {
    const { index } = this;
    const stems = [...claim.stems];
    const weights = stems.map((s) => index.idf(s));
    const total = weights.reduce((a, b) => a + b, 0);
    const has = (w: Window | undefined, pick: (f: SentenceFeatures) => boolean) => !!w && w.ids.some((t) => pick(index.features(t)));

    // The best window, then the best window for what the first one leaves uncovered.
    const first = this.bestWindow(stems, weights);
    const left = stems.map((_, k) => k).filter((k) => !has(first, (f) => f.stems.has(stems[k]!)));
    const second = left.length > 0 && first ? this.bestWindow(left.map((k) => stems[k]!), left.map((k) => weights[k]!)) : undefined;
    const inWindows = (pick: (f: SentenceFeatures) => boolean) => has(first, pick) || has(second, pick);

    let covered = 0;
    stems.forEach((st, k) => {
      if (has(first, (f) => f.stems.has(st))) covered += weights[k]!;
      else if (has(second, (f) => f.stems.has(st))) covered += SECOND_WINDOW_CREDIT * weights[k]!;
      else if (this.prompt?.stems.has(st)) covered += PROMPT_CREDIT * weights[k]!;
    });
    const coverage = total > 0 ? covered / total : 1;
    let support = coverage;
    const issues: SupportIssue[] = [];
    if (coverage < LOW_OVERLAP) issues.push('overlap');

    for (const n of claim.numbers) {
      const f = inWindows((x) => x.numbers.has(n))
        ? NUMBER_FACTOR.window
        : index.numbers.has(n)
          ? NUMBER_FACTOR.documents
          : this.prompt?.numbers.has(n)
            ? NUMBER_FACTOR.prompt
            : NUMBER_FACTOR.absent;
      if (f < 1 && !issues.includes('number')) issues.push('number');
      support *= f;
    }

    for (const entity of claim.entities) {
      const all = (present: (w: string) => boolean) => entity.every(present);
      const inWin = (w: string) => inWindows((x) => x.words.has(w));
      const inDocs = (w: string) => index.words.has(w);
      const f = all(inWin)
        ? ENTITY_FACTOR.window
        : all(inDocs)
          ? ENTITY_FACTOR.documents
          : this.prompt && all((w) => this.prompt!.words.has(w))
            ? ENTITY_FACTOR.prompt
            : inDocs(entity.at(-1)!) && entity.filter(inDocs).length * 2 >= entity.length
              ? PARTIAL_ENTITY_FACTOR
              : ENTITY_FACTOR.absent;
      if (f < 1 && !issues.includes('entity')) issues.push('entity');
      support *= f;
    }

    // A flipped claim (negated or refuting) needs a negation or refutation somewhere in its best sentence;
    // a plain claim must not match a flipped clause (the clause sharing most words with it), so
    // "X is not A, but B" still supports "B" while "many people think A" does not support "A".
    if (first && coverage >= NEGATION_MIN_COVERAGE) {
      const bestText = index.sentences[first.bestSentence]!.text;
      const mismatch = claim.flipped ? !hasPolarityCue(bestText) : clauseFlipped(bestText, stems);
      if (mismatch) {
        issues.push('negation');
        support *= NEGATION_FACTOR;
      }
    }
    return { support: Math.max(0, Math.min(1, support)), issues };
  }
}

/** Polarity of the clause of `sentence` that shares most words with the claim. */
function clauseFlipped(sentence: string, stems: readonly string[]): boolean {
  const clauses = sentence.split(CLAUSE_SPLIT);
  if (clauses.length === 1) return isFlipped(sentence);
  let best = clauses[0] ?? '';
  let bestHits = -1;
  for (const c of clauses) {
    if (!c) continue;
    const lower = c.toLowerCase();
    let hits = 0;
    for (const s of stems) if (lower.includes(s)) hits++;
    if (hits > bestHits) {
      bestHits = hits;
      best = c;
    }
  }
  return isFlipped(best);
}
