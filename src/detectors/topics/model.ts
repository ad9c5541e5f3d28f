// Lexical topic model: weighted stemmed terms and phrases per topic, and the saturating score of a text against each topic.
import type { Severity } from '../../core/severity.js';
import type { TaxonomyTags } from '../../core/taxonomy/index.js';
import { forEachWord, isStopWord, stem, tokenize } from './lexicon.js';

export interface TopicSpec {
  name: string;
  severity: Severity;
  tags: TaxonomyTags;
  keywords: readonly (string | { term: string; weight: number })[];
  examples: readonly string[];
}

/** Weight of a content word that only appears in a topic's example sentences. */
export const EXAMPLE_WEIGHT = 0.25;
/** Extra weight per additional word of a phrase: "breach of contract" says more than "contract". */
const PHRASE_BONUS = 0.5;
/** Length normaliser: scale and the floor below which short texts count as this many words. */
const ALPHA = 0.72;
const MIN_WORDS = 12;
/** Bounds on the work per scan. */
const MAX_TOKENS = 20_000;
const MAX_CJK_HITS = 50;

const CJK = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}\p{sc=Thai}]/u;
const CJK_ALL = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}\p{sc=Thai}]/gu;

interface Term {
  topic: number;
  weight: number;
  /** The keyword as configured, or the example word: what evidence shows. */
  label: string;
}

export interface TopicHit {
  topic: number;
  score: number;
  /** Labels of the matched terms, strongest first. */
  terms: string[];
  /** Where the matches sit in the scanned text (at most 10). */
  spans: { start: number; end: number }[];
}

/** Stemmed content words of a keyword, joined by spaces ('' when it has none). */
export function termKey(text: string): string {
  return tokenize(text)
    .filter((t) => !isStopWord(t.word))
    .map((t) => stem(t.word))
    .join(' ');
}

export class TopicModel {
  private readonly terms: Term[] = [];
  /** Stem sequence → term ids. */
  private readonly index = new Map<string, number[]>();
  /** Proper prefixes of multi-word keys, so phrase lookups extend only while something can still match. */
  private readonly prefixes = new Set<string>();
  private readonly cjk: { text: string; term: number }[] = [];

  constructor(readonly topics: readonly TopicSpec[]) {
    topics.forEach((t, ti) => {
      const seen = new Map<string, number>();
      const add = (key: string, weight: number, label: string) => {
        const prior = seen.get(key);
        if (prior !== undefined) {
          this.terms[prior]!.weight = Math.max(this.terms[prior]!.weight, weight);
          return;
        }
        const id = this.terms.length;
        this.terms.push({ topic: ti, weight, label });
        seen.set(key, id);
        if (CJK.test(key)) {
          this.cjk.push({ text: key, term: id });
          return;
        }
        const list = this.index.get(key);
        if (list) list.push(id);
        else this.index.set(key, [id]);
        const words = key.split(' ');
        for (let n = 1; n < words.length; n++) this.prefixes.add(words.slice(0, n).join(' '));
      };
      for (const k of t.keywords) {
        const term = typeof k === 'string' ? k : k.term;
        const weight = typeof k === 'string' ? 1 : k.weight;
        const cjk = CJK.test(term);
        const key = cjk ? term.normalize('NFKC').toLowerCase().trim() : termKey(term);
        if (key) add(key, weight * (1 + PHRASE_BONUS * (key.split(' ').length - 1)), term.trim());
      }
      for (const ex of t.examples) {
        for (const tok of tokenize(ex)) {
          if (isStopWord(tok.word) || tok.word.length < 3 || /^\d+$/.test(tok.word)) continue;
          const key = stem(tok.word);
          if (!seen.has(key)) add(key, EXAMPLE_WEIGHT, tok.word);
        }
      }
    });
  }

  /**
   * Scores `text` against every topic.
   *
   * raw(t) = Σ over matched terms of weight × (1 + ln count): repeats add, but less and less.
   * x(t)   = raw(t) / (ALPHA × √max(N, MIN_WORDS)), N = content words in the text (CJK: characters / 2).
   *          Dividing by √N rather than N keeps one focused paragraph inside a long document visible,
   *          while a single passing keyword in a long text stays weak; MIN_WORDS stops one keyword in a
   *          three-word message from counting as a whole topic.
   * score  = 1 − e^(−x): 0 with no hits, ~0.5 for about two plain keywords in a short message, → 1.
   */
  score(text: string): TopicHit[] {
    const stems: string[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    forEachWord(
      text,
      (word, start, end) => {
        if (isStopWord(word)) return;
        stems.push(stem(word));
        starts.push(start);
        ends.push(end);
      },
      MAX_TOKENS,
    );
    let n = stems.length;
    const counts = new Map<number, number>();
    const where = new Map<number, { start: number; end: number }[]>();
    const hit = (id: number, span: { start: number; end: number }) => {
      counts.set(id, (counts.get(id) ?? 0) + 1);
      const w = where.get(id);
      if (!w) where.set(id, [span]);
      else if (w.length < 10) w.push(span);
    };
    for (let i = 0; i < stems.length; i++) {
      let key = stems[i]!;
      for (let j = i; ; ) {
        const ids = this.index.get(key);
        if (ids) for (const id of ids) hit(id, { start: starts[i]!, end: ends[j]! });
        if (++j >= stems.length || !this.prefixes.has(key)) break;
        key = `${key} ${stems[j]!}`;
      }
    }
    if (this.cjk.length > 0 && CJK.test(text)) {
      const lower = text.toLowerCase();
      n += Math.ceil((lower.match(CJK_ALL)?.length ?? 0) / 2);
      for (const { text: needle, term } of this.cjk) {
        let found = 0;
        for (let at = lower.indexOf(needle); at >= 0 && found < MAX_CJK_HITS; at = lower.indexOf(needle, at + needle.length)) {
          hit(term, { start: at, end: at + needle.length });
          found++;
        }
      }
    }
    if (counts.size === 0) return [];

    const raw = new Float64Array(this.topics.length);
    for (const [id, c] of counts) {
      const t = this.terms[id]!;
      raw[t.topic]! += t.weight * (1 + Math.log(c));
    }
    const norm = ALPHA * Math.sqrt(Math.max(n, MIN_WORDS));
    const out: TopicHit[] = [];
    raw.forEach((r, topic) => {
      if (r <= 0) return;
      const ids = [...counts.keys()].filter((id) => this.terms[id]!.topic === topic);
      ids.sort((a, b) => this.terms[b]!.weight * counts.get(b)! - this.terms[a]!.weight * counts.get(a)!);
      out.push({
        topic,
        score: 1 - Math.exp(-r / norm),
        terms: ids.map((id) => this.terms[id]!.label),
        spans: ids.flatMap((id) => where.get(id) ?? []).slice(0, 10),
      });
    });
    return out;
  }
}
