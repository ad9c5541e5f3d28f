// The Markdown summary for a PR comment: gates, a row per category with intervals, top regressions. Never includes model output.
import { categoryLabel } from './escape.js';
import type { CategorySummary, Interval } from '../types.js';
import { escapeMarkdown, markdownCode } from './escape.js';
import type { FormatterFactory, ReportFormatter } from './format.js';
import type { Regression, ReportOptions, RunReport } from './types.js';

/** Regressions listed at most (strongest first). */
export const MAX_REGRESSIONS_SHOWN = 10;

export const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const ci = (i: Interval | undefined): string => (i && i.n > 0 ? `${pct(i.rate)} [${pct(i.low)}–${pct(i.high)}]` : '–');
/** A bias score, signed, or a dash when there is none. */
export const score = (x: number | null): string => (x === null || !Number.isFinite(x) ? '–' : `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(x).toFixed(3)}`);
const rate = (x: number | null): string => (x === null || !Number.isFinite(x) ? '–' : pct(x));
const byName = (a: CategorySummary, b: CategorySummary): number => (categoryLabel(a) < categoryLabel(b) ? -1 : categoryLabel(a) > categoryLabel(b) ? 1 : 0);

/** Markdown needs only the summary and the diff: results are not read (so it never shows hostile answers). */
export const markdownFormatter: FormatterFactory = (report): ReportFormatter => ({
  *begin() {
    yield* markdownLines(report);
  },
  add: () => '',
  *end() {},
});

function* markdownLines(report: RunReport): Generator<string> {
  const s = report.summary;
  const failed = s.gates.filter((g) => !g.ok).length;
  const verdict = s.gates.length === 0 ? 'no gates' : failed === 0 ? `✅ all ${s.gates.length} gates passed` : `❌ ${failed} of ${s.gates.length} gates failed`;
  yield `## Bulwark eval: ${escapeMarkdown(s.suite)} (${verdict})\n\n`;
  yield `Run ${markdownCode(s.runId)} · ${s.status} · ${s.requests} requests · targets: ${s.targets.map(markdownCode).join(', ')}\n\n`;
  if (s.gates.length > 0) {
    yield '### Gates\n\n|  | Gate | Detail |\n|---|---|---|\n';
    for (const g of s.gates) yield `| ${g.ok ? '✅' : '❌'} | ${escapeMarkdown(g.name)} | ${escapeMarkdown(g.detail)} |\n`;
    yield '\n';
  }
  const before = report.baselineDiff?.asrBefore;
  const attacks = s.categories.filter((c) => c.kind === 'attack').sort(byName);
  if (attacks.length > 0) {
    yield `### Attack success by category\n\n| Category | n | ASR [95% CI] | errors | unscored |${before ? ' vs baseline |' : ''}\n|---|---:|---|---:|---:|${before ? '---:|' : ''}\n`;
    for (const c of attacks) {
      const delta = before ? ` ${deltaText(c.attackSuccess, before[c.category])} |` : '';
      yield `| ${markdownCode(categoryLabel(c))} | ${c.attackSuccess?.n ?? 0} | ${ci(c.attackSuccess)} | ${c.error} | ${c.unscored} |${delta}\n`;
    }
    yield '\n';
  }
  const controls = s.categories.filter((c) => c.kind === 'control').sort(byName);
  if (controls.length > 0) {
    yield '### Over-refusal on safe controls\n\n| Category | n | Refusal [95% CI] | errors |\n|---|---:|---|---:|\n';
    for (const c of controls) yield `| ${markdownCode(categoryLabel(c))} | ${c.refusal.n} | ${ci(c.refusal)} | ${c.error} |\n`;
    yield '\n';
  }
  const quality = s.categories.filter((c) => c.kind === 'quality').sort(byName);
  if (quality.length > 0) {
    yield '### Quality\n\n| Category | pass | fail | errors | unscored | pass rate |\n|---|---:|---:|---:|---:|---:|\n';
    for (const c of quality) {
      const scored = c.pass + c.fail;
      yield `| ${markdownCode(categoryLabel(c))} | ${c.pass} | ${c.fail} | ${c.error} | ${c.unscored} | ${scored > 0 ? pct(c.pass / scored) : '–'} |\n`;
    }
    yield '\n';
  }
  if (s.bias && s.bias.length > 0) {
    yield '### Bias (BBQ)\n\n| Category | n | s_DIS | s_AMB | accuracy (disambig.) | accuracy (ambig.) | unmapped |\n|---|---:|---:|---:|---:|---:|---:|\n';
    for (const b of s.bias) {
      yield `| ${markdownCode(categoryLabel(b))} | ${b.n} | ${score(b.sDis)} | ${score(b.sAmb)} | ${rate(b.accuracyDisambiguated)} | ${rate(b.accuracyAmbiguous)} | ${b.unmapped} |\n`;
    }
    yield '\n';
  }
  if (s.truthfulness && s.truthfulness.length > 0) {
    yield '### Truthfulness (TruthfulQA)\n\n| Category | n | true [95% CI] | true and informative [95% CI] | informative [95% CI] | errors |\n|---|---:|---|---|---|---:|\n';
    for (const t of s.truthfulness) yield `| ${markdownCode(categoryLabel(t))} | ${t.n} | ${ci(t.true)} | ${ci(t.trueInformative)} | ${ci(t.informative)} | ${t.errors} |\n`;
    yield '\n';
  }
  const diff = report.baselineDiff;
  if (diff) {
    const top = topRegressions(diff.regressions);
    yield `### Regressions vs baseline ${markdownCode(diff.baselineRunId)}\n\n`;
    if (top.length === 0) yield 'None.\n\n';
    else {
      yield '| Case | Category | Before | After | p |\n|---|---|---:|---:|---:|\n';
      for (const r of top) {
        yield `| ${markdownCode(r.caseId)}${r.target ? ` on ${markdownCode(r.target)}` : ''} | ${markdownCode(r.category)} | ${r.before.fail}/${r.before.n} | ${r.after.fail}/${r.after.n} | ${r.pValue === undefined ? '–' : r.pValue < 0.001 ? '<0.001' : r.pValue.toFixed(3)} |\n`;
      }
      if (diff.regressions.length > top.length) yield `\n…and ${diff.regressions.length - top.length} more (see the HTML report).\n`;
      yield '\n';
    }
  }
  yield '_Rates with Wilson 95% intervals; errors and unscored cases are never counted as passes. Answers are in the HTML and JSON reports._\n';
}

/** Strongest evidence first (lowest p), then the largest rise in failure rate, then id: a stable order. */
export function topRegressions(list: readonly Regression[], max = MAX_REGRESSIONS_SHOWN): Regression[] {
  const rise = (r: Regression): number => (r.after.n > 0 ? r.after.fail / r.after.n : 0) - (r.before.n > 0 ? r.before.fail / r.before.n : 0);
  return [...list]
    .sort((a, b) => (a.pValue ?? 1) - (b.pValue ?? 1) || rise(b) - rise(a) || (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0))
    .slice(0, max);
}

function deltaText(now: Interval | undefined, was: number | undefined): string {
  if (was === undefined || !now || now.n === 0) return '–';
  const d = (now.rate - was) * 100;
  const sign = d > 0.05 ? '+' : d < -0.05 ? '−' : '±';
  return `${sign}${Math.abs(d).toFixed(1)} pt`;
}

/** Synchronous whatever the results are: the summary is all it reads. */
export function renderMarkdown(report: RunReport, _options: ReportOptions = {}): string {
  return [...markdownLines(report)].join('');
}
