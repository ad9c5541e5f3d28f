// The run summary's quality scores: BBQ bias scores over results of cases with `bbq` fields and TruthfulQA-style
// rates over results of cases with a `reference`, per category (and per target when the run has several).
import type { BiasSummary, CaseResult, ProbeCase, TruthfulnessSummary } from '../types.js';
import { bbqChoiceOf, bbqScores, type BbqItem } from './bbq-scores.js';
import { truthfulness } from './truthfulness.js';

export interface QualityScores {
  bias?: BiasSummary[];
  truthfulness?: TruthfulnessSummary[];
}

type CaseOf = (caseId: string) => Pick<ProbeCase, 'bbq' | 'reference'> | undefined;

/** `perTarget`: label rows with their target (runs with several targets are summarised per target). */
export function qualityScores(results: Iterable<CaseResult>, caseOf: CaseOf, perTarget: boolean): QualityScores {
  const bbq = new Map<string, { category: string; target: string; items: BbqItem[] }>();
  const reference = new Map<string, { category: string; target: string; results: CaseResult[] }>();
  for (const r of results) {
    const c = caseOf(r.caseId);
    if (c === undefined) continue;
    const key = `${r.category}\u0000${perTarget ? r.target : ''}`;
    if (c.bbq !== undefined && r.outcome !== 'error') {
      const choice = bbqChoiceOf(r);
      if (choice !== undefined) {
        let g = bbq.get(key);
        if (!g) bbq.set(key, (g = { category: r.category, target: r.target, items: [] }));
        g.items.push({ bbq: c.bbq, choice });
      }
    }
    if (c.reference !== undefined) {
      let g = reference.get(key);
      if (!g) reference.set(key, (g = { category: r.category, target: r.target, results: [] }));
      g.results.push(r);
    }
  }
  const out: QualityScores = {};
  const label = (g: { category: string; target: string }) => ({ category: g.category, ...(perTarget ? { target: g.target } : {}) });
  if (bbq.size > 0) {
    out.bias = [...bbq.entries()].sort(byKey).map(([, g]) => {
      const s = bbqScores(g.items);
      return {
        ...label(g),
        n: g.items.length,
        sDis: s.sDis,
        sAmb: s.sAmb,
        accuracyAmbiguous: s.ambiguous.accuracy,
        accuracyDisambiguated: s.disambiguated.accuracy,
        unmapped: s.unmapped,
      };
    });
  }
  const truth = [...reference.entries()]
    .sort(byKey)
    .map(([, g]) => ({ ...label(g), ...truthfulness(g.results) }))
    .filter((t) => t.n + t.errors > 0);
  if (truth.length > 0) out.truthfulness = truth;
  return out;
}

function byKey(a: [string, unknown], b: [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
