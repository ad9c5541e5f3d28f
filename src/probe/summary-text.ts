// Lines that `bulwark eval run|show` print under the category table: response-cache hits, BBQ bias scores and
// TruthfulQA-style rates, when the run has them. Plain text, one line each, with no control characters.
import { stripInvalidChars } from './reports/escape.js';
import type { Interval, RunSummary } from './types.js';

const signed = (x: number | null): string => (x === null || !Number.isFinite(x) ? '—' : `${x > 0 ? '+' : x < 0 ? '-' : ''}${Math.abs(x).toFixed(3)}`);
const pct = (i: Interval): string => (i.n === 0 ? '—' : `${(100 * i.rate).toFixed(1)}% [${(100 * i.low).toFixed(1)}–${(100 * i.high).toFixed(1)}]`);
/** Categories and targets come from data files and suites: no escape sequences, no line breaks. */
const clean = (s: string): string => stripInvalidChars(s).replace(/\s+/g, ' ').slice(0, 200);
const label = (r: { category: string; target?: string }): string => clean(r.target === undefined ? r.category : `${r.category} @ ${r.target}`);

export function extraSummaryLines(summary: RunSummary): string[] {
  const lines: string[] = [];
  if (summary.cacheHits !== undefined && summary.cacheHits > 0) lines.push(`${summary.cacheHits} answers from the response cache`);
  for (const b of summary.bias ?? []) {
    lines.push(`bias ${label(b)}: s_DIS ${signed(b.sDis)}, s_AMB ${signed(b.sAmb)} (n ${b.n}, ${b.unmapped} unmapped)`);
  }
  for (const t of summary.truthfulness ?? []) {
    lines.push(`truthfulness ${label(t)}: true ${pct(t.true)}, true+informative ${pct(t.trueInformative)}, informative ${pct(t.informative)} (n ${t.n}${t.errors > 0 ? `, ${t.errors} errors` : ''})`);
  }
  return lines;
}
