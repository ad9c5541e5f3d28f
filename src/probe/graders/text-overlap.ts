// Token-overlap similarity for reference answers and multiple-choice mapping: SQuAD-style F1 over content words,
// with negations kept (they decide truth) and a light plural stem.
const STOP_WORDS = new Set(
  ('a an the of to in on at by for from with and or but if then so as is are was were be been being am do does did ' +
    'it its this that these those there here i you he she we they me him her us them my your his our their ' +
    "what which who whom whose when where why how will would can could should may might must shall 's 'll 're 've 'd " +
    'into about over under than too very just also only such some any each other more most own same both few ' +
    'has have had having yes well really actually because while until').split(' '),
);
const NEGATION = /\b(?:not|n't|never|no one|nobody|nothing|none|cannot)\b/g;
const WORD = /[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu;

/** Content tokens: lower case, NFKC, negations folded to "not", stop words dropped, plural -s stripped. */
export function contentTokens(text: string): string[] {
  const t = text.normalize('NFKC').toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/n't\b/g, ' not').replace(NEGATION, ' not ');
  const out: string[] = [];
  for (const m of t.matchAll(WORD)) {
    const w = m[0];
    if (STOP_WORDS.has(w)) continue;
    out.push(w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w);
    if (out.length >= 2000) break;
  }
  return out;
}

/** F1 of the token multisets (0 when either side is empty). */
export function tokenF1(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const t of b) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of a) {
    const n = counts.get(t) ?? 0;
    if (n > 0) {
      common++;
      counts.set(t, n - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / a.length;
  const recall = common / b.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Highest F1 of `answer` against any of `references`, and which. */
export function bestMatch(answer: readonly string[], references: readonly string[]): { score: number; index: number } {
  let best = { score: 0, index: -1 };
  references.forEach((r, index) => {
    const score = tokenF1(answer, contentTokens(r));
    if (score > best.score) best = { score, index };
  });
  return best;
}
