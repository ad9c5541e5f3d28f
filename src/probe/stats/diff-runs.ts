// Compares two runs: per test (all repeats of one case on one target) the pass→fail regressions and fail→pass
// fixes, and per category whether the failure rate (ASR for attack categories) changed significantly.
import type { CaseKind, CaseResult, Interval } from '../types.js';
import { compareProportions } from './significance.js';
import { wilson, Z95 } from './wilson.js';

export interface TestState {
  pass: number;
  fail: number;
  error: number;
  unscored: number;
  /** pass: every scored repeat passed; fail: every one failed; flaky: both; error/unscored: nothing scored. */
  status: 'pass' | 'fail' | 'flaky' | 'error' | 'unscored';
}

export type TestChange = 'regression' | 'fix' | 'same' | 'added' | 'removed' | 'no-longer-scored';

export interface TestDiff {
  /** caseId, or caseId + "@" + target when a run covers several targets. */
  key: string;
  caseId: string;
  target: string;
  category: string;
  kind: CaseKind;
  before?: TestState;
  after?: TestState;
  change: TestChange;
  /** Fisher's exact p of the repeats' fail counts (only with more than one scored repeat on each side). */
  p?: number;
}

export interface CategoryDiff {
  category: string;
  kind: CaseKind;
  /** `asr` for attack categories, `fail-rate` otherwise: fail / (pass + fail). */
  metric: 'asr' | 'fail-rate';
  before: Interval;
  after: Interval;
  /** after.rate − before.rate. */
  delta: number;
  test: 'fisher' | 'z';
  p: number;
  significant: boolean;
  /** worse: the failure rate went up significantly; better: down significantly. */
  direction: 'worse' | 'better' | 'same';
}

export interface RunDiff {
  alpha: number;
  /** Tests matched by case id alone (each run has one target) or by case id and target. */
  matchedBy: 'case' | 'case+target';
  regressions: TestDiff[];
  fixes: TestDiff[];
  added: TestDiff[];
  removed: TestDiff[];
  noLongerScored: TestDiff[];
  unchanged: number;
  categories: CategoryDiff[];
}

export interface DiffOptions {
  /** Significance level (default 0.05). */
  alpha?: number;
}

interface Acc {
  caseId: string;
  target: string;
  category: string;
  kind: CaseKind;
  state: TestState;
}

function newState(): TestState {
  return { pass: 0, fail: 0, error: 0, unscored: 0, status: 'unscored' };
}

function statusOf(s: TestState): TestState['status'] {
  if (s.pass > 0 && s.fail > 0) return 'flaky';
  if (s.fail > 0) return 'fail';
  if (s.pass > 0) return 'pass';
  return s.error > 0 ? 'error' : 'unscored';
}

function singleTarget(results: readonly CaseResult[]): boolean {
  const first = results[0]?.target;
  return results.every((r) => r.target === first);
}

function collect(results: readonly CaseResult[], byTarget: boolean): Map<string, Acc> {
  const tests = new Map<string, Acc>();
  for (const r of results) {
    const key = byTarget ? `${r.caseId}@${r.target}` : r.caseId;
    let t = tests.get(key);
    if (!t) tests.set(key, (t = { caseId: r.caseId, target: r.target, category: r.category, kind: r.kind, state: newState() }));
    const o = r.outcome === 'pass' || r.outcome === 'fail' || r.outcome === 'unscored' ? r.outcome : 'error';
    t.state[o]++;
  }
  for (const t of tests.values()) t.state.status = statusOf(t.state);
  return tests;
}

function changeOf(before: TestState, after: TestState): TestChange {
  const scoredBefore = before.pass + before.fail > 0;
  const scoredAfter = after.pass + after.fail > 0;
  if (scoredBefore && !scoredAfter) return 'no-longer-scored';
  if (before.fail === 0 && before.pass > 0 && after.fail > 0) return 'regression';
  if (before.fail > 0 && after.fail === 0 && after.pass > 0) return 'fix';
  return 'same';
}

/** Diffs run `a` (before, e.g. the baseline) against run `b` (after). */
export function diffRuns(a: readonly CaseResult[], b: readonly CaseResult[], options: DiffOptions = {}): RunDiff {
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new TypeError('alpha must be in (0, 1)');
  const byTarget = !(singleTarget(a) && singleTarget(b));
  const before = collect(a, byTarget);
  const after = collect(b, byTarget);
  const diff: RunDiff = { alpha, matchedBy: byTarget ? 'case+target' : 'case', regressions: [], fixes: [], added: [], removed: [], noLongerScored: [], unchanged: 0, categories: [] };

  for (const [key, t] of after) {
    const old = before.get(key);
    const base = { key, caseId: t.caseId, target: t.target, category: t.category, kind: t.kind };
    if (!old) {
      diff.added.push({ ...base, after: t.state, change: 'added' });
      continue;
    }
    const change = changeOf(old.state, t.state);
    const d: TestDiff = { ...base, before: old.state, after: t.state, change };
    const nb = old.state.pass + old.state.fail;
    const na = t.state.pass + t.state.fail;
    if (nb > 1 && na > 1) d.p = compareProportions(old.state.fail, nb, t.state.fail, na).p;
    if (change === 'regression') diff.regressions.push(d);
    else if (change === 'fix') diff.fixes.push(d);
    else if (change === 'no-longer-scored') diff.noLongerScored.push(d);
    else diff.unchanged++;
  }
  for (const [key, t] of before) {
    if (!after.has(key)) diff.removed.push({ key, caseId: t.caseId, target: t.target, category: t.category, kind: t.kind, before: t.state, change: 'removed' });
  }
  diff.categories = categoryDiffs(a, b, alpha);
  return diff;
}

function tally(results: readonly CaseResult[]): Map<string, { category: string; kind: CaseKind; fail: number; scored: number }> {
  const out = new Map<string, { category: string; kind: CaseKind; fail: number; scored: number }>();
  for (const r of results) {
    if (r.outcome !== 'pass' && r.outcome !== 'fail') continue;
    const key = `${r.category}\u0000${r.kind}`;
    let c = out.get(key);
    if (!c) out.set(key, (c = { category: r.category, kind: r.kind, fail: 0, scored: 0 }));
    c.scored++;
    if (r.outcome === 'fail') c.fail++;
  }
  return out;
}

/**
 * Per category, whether fail / (pass + fail) changed: Fisher's exact test for small or sparse tables, the pooled
 * z-test for large ones. Repeats are counted as independent trials, which they are only approximately.
 */
function categoryDiffs(a: readonly CaseResult[], b: readonly CaseResult[], alpha: number): CategoryDiff[] {
  const ta = tally(a);
  const tb = tally(b);
  const keys = [...new Set([...ta.keys(), ...tb.keys()])].sort();
  return keys.map((key) => {
    const x = ta.get(key);
    const y = tb.get(key);
    const ref = (x ?? y) as { category: string; kind: CaseKind };
    const before = wilson(x?.fail ?? 0, x?.scored ?? 0, Z95);
    const after = wilson(y?.fail ?? 0, y?.scored ?? 0, Z95);
    const { test, p } = compareProportions(x?.fail ?? 0, x?.scored ?? 0, y?.fail ?? 0, y?.scored ?? 0);
    const significant = before.n > 0 && after.n > 0 && p < alpha;
    const delta = after.rate - before.rate;
    return {
      category: ref.category,
      kind: ref.kind,
      metric: ref.kind === 'attack' ? 'asr' : 'fail-rate',
      before,
      after,
      delta,
      test,
      p,
      significant,
      direction: !significant || delta === 0 ? 'same' : delta > 0 ? 'worse' : 'better',
    };
  });
}
