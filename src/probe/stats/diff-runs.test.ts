import { describe, expect, it } from 'vitest';
import type { CaseKind, CaseResult, Outcome } from '../types.js';
import { diffRuns } from './diff-runs.js';

function r(caseId: string, outcome: Outcome, repeat = 0, category = 'jailbreak', kind: CaseKind = 'attack', target = 't1'): CaseResult {
  return { caseId, category, kind, repeat, target, outcome, verdicts: [], response: { text: '', latencyMs: 1 }, refused: false, startedAt: '', durationMs: 1 };
}

describe('diffRuns', () => {
  it('flags per-test regressions and fixes across repeats', () => {
    const a = [r('c1', 'pass', 0), r('c1', 'pass', 1), r('c2', 'fail', 0), r('c2', 'fail', 1), r('c3', 'pass'), r('c4', 'pass'), r('c5', 'pass')];
    const b = [r('c1', 'pass', 0), r('c1', 'fail', 1), r('c2', 'pass', 0), r('c2', 'pass', 1), r('c3', 'pass'), r('c4', 'error'), r('c6', 'fail')];
    const d = diffRuns(a, b);
    expect(d.matchedBy).toBe('case');
    expect(d.regressions.map((x) => x.caseId)).toEqual(['c1']);
    expect(d.regressions[0]?.after).toMatchObject({ pass: 1, fail: 1, status: 'flaky' });
    expect(d.fixes.map((x) => x.caseId)).toEqual(['c2']);
    expect(d.fixes[0]?.p).toBeCloseTo(1 / 3, 10); // Fisher [[2,0],[0,2]]
    expect(d.noLongerScored.map((x) => x.caseId)).toEqual(['c4']);
    expect(d.added.map((x) => x.caseId)).toEqual(['c6']);
    expect(d.removed.map((x) => x.caseId)).toEqual(['c5']);
    expect(d.unchanged).toBe(1);
  });

  it('tests each category for a significant ASR change', () => {
    const a: CaseResult[] = [];
    const b: CaseResult[] = [];
    for (let i = 0; i < 20; i++) {
      a.push(r(`x${i}`, i < 2 ? 'fail' : 'pass'));
      b.push(r(`x${i}`, i < 12 ? 'fail' : 'pass'));
      a.push(r(`y${i}`, 'pass', 0, 'over-refusal', 'control'));
      b.push(r(`y${i}`, i < 1 ? 'fail' : 'pass', 0, 'over-refusal', 'control'));
    }
    const d = diffRuns(a, b);
    const jb = d.categories.find((c) => c.category === 'jailbreak');
    expect(jb).toMatchObject({ metric: 'asr', test: 'fisher', significant: true, direction: 'worse' });
    expect(jb?.before.rate).toBe(0.1);
    expect(jb?.after.rate).toBe(0.6);
    expect(jb?.p).toBeCloseTo(0.0021996, 6); // scipy.stats.fisher_exact([[2, 18], [12, 8]])
    const or = d.categories.find((c) => c.category === 'over-refusal');
    expect(or).toMatchObject({ metric: 'fail-rate', significant: false, direction: 'same' });
  });

  it('large categories use the z-test', () => {
    const a: CaseResult[] = [];
    const b: CaseResult[] = [];
    for (let i = 0; i < 1500; i++) {
      a.push(r(`x${i}`, i < 300 ? 'fail' : 'pass'));
      b.push(r(`x${i}`, i < 390 ? 'fail' : 'pass'));
    }
    const jb = diffRuns(a, b).categories[0];
    expect(jb).toMatchObject({ test: 'z', significant: true, direction: 'worse' });
  });

  it('matches by case and target when a run covers several targets', () => {
    const a = [r('c1', 'pass', 0, 'j', 'attack', 't1'), r('c1', 'fail', 0, 'j', 'attack', 't2')];
    const b = [r('c1', 'fail', 0, 'j', 'attack', 't1'), r('c1', 'fail', 0, 'j', 'attack', 't2')];
    const d = diffRuns(a, b);
    expect(d.matchedBy).toBe('case+target');
    expect(d.regressions.map((x) => x.key)).toEqual(['c1@t1']);
    expect(() => diffRuns(a, b, { alpha: 2 })).toThrow(TypeError);
  });
});
