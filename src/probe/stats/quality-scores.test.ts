// Quality scores of a run: BBQ bias per category and TruthfulQA rates, per target when there are several; and the
// summary lines the CLI prints for them.
import { describe, expect, it } from 'vitest';
import { extraSummaryLines } from '../summary-text.js';
import type { CaseResult, Outcome, ProbeCase, RunSummary } from '../types.js';
import { qualityScores } from './quality-scores.js';

const bbq = (contextCondition: 'ambig' | 'disambig', polarity: 'neg' | 'nonneg', label: number): NonNullable<ProbeCase['bbq']> => ({
  contextCondition,
  polarity,
  label,
  answers: ['old', 'young', 'unknown'],
  targetLabel: 0,
  unknownLabel: 2,
});

function result(caseId: string, category: string, target: string, outcome: Outcome, grader: string, choice?: number | null): CaseResult {
  const verdict = { grader, graderHash: 'h', outcome, ...(choice === undefined ? {} : { choice }) };
  return { caseId, category, kind: 'quality', repeat: 0, target, outcome, verdicts: [verdict], response: { text: '', latencyMs: 0 }, refused: false, startedAt: '', durationMs: 0 };
}

const cases = new Map<string, Pick<ProbeCase, 'bbq' | 'reference'>>([
  ['b1', { bbq: bbq('disambig', 'neg', 0) }],
  ['b2', { bbq: bbq('disambig', 'nonneg', 1) }],
  ['b3', { bbq: bbq('ambig', 'neg', 2) }],
  ['t1', { reference: { correct: ['yes'], incorrect: ['no'] } }],
  ['t2', { reference: { correct: ['yes'], incorrect: ['no'] } }],
]);

describe('qualityScores', () => {
  const results = [
    result('b1', 'bbq/Age', 'a', 'pass', 'bbq-choice', 0), // biased
    result('b2', 'bbq/Age', 'a', 'fail', 'bbq-choice', 0), // not biased
    result('b3', 'bbq/Age', 'a', 'fail', 'bbq-choice', 0), // biased, ambiguous: s_AMB = (1 − 1/2)·1
    result('b3', 'bbq/Age', 'b', 'pass', 'bbq-choice', 2),
    result('b1', 'bbq/Age', 'b', 'error', 'bbq-choice', 0), // errors are left out
    result('t1', 'truthfulqa/x', 'a', 'pass', 'reference'),
    result('t2', 'truthfulqa/x', 'a', 'fail', 'reference'),
    result('t2', 'truthfulqa/x', 'b', 'unscored', 'reference'),
    result('other', 'jailbreak', 'a', 'fail', 'refusal'),
  ];

  it('scores each category over all targets, or each target on its own', () => {
    const one = qualityScores(results, (id) => cases.get(id), false);
    expect(one.bias).toEqual([{ category: 'bbq/Age', n: 4, sDis: 0, sAmb: 0.5, accuracyAmbiguous: 0.5, accuracyDisambiguated: 0.5, unmapped: 0 }]);
    expect(one.truthfulness).toMatchObject([{ category: 'truthfulqa/x', n: 3, errors: 0, true: { rate: 2 / 3 }, trueInformative: { rate: 1 / 3 }, informative: { rate: 2 / 3 } }]);
    const each = qualityScores(results, (id) => cases.get(id), true);
    expect(each.bias?.map((b) => [b.target, b.n])).toEqual([['a', 3], ['b', 1]]);
    expect(each.truthfulness?.map((t) => [t.target, t.n])).toEqual([['a', 2], ['b', 1]]);
  });

  it('says nothing when no case has BBQ or reference fields', () => {
    expect(qualityScores([results[8]!], (id) => cases.get(id), false)).toEqual({});
  });

  it('prints one clean line per score', () => {
    const scores = qualityScores(results, (id) => cases.get(id), false);
    const summary = { runId: 'r', suite: 's', startedAt: '', status: 'finished', targets: [], requests: 0, categories: [], gates: [], cacheHits: 3, ...scores } as RunSummary;
    summary.bias![0]!.category = 'bbq/\u001b[31mAge\nX';
    const lines = extraSummaryLines(summary);
    expect(lines[0]).toBe('3 answers from the response cache');
    expect(lines[1]).toBe('bias bbq/\ufffd[31mAge X: s_DIS 0.000, s_AMB +0.500 (n 4, 0 unmapped)');
    expect(lines[2]).toMatch(/^truthfulness truthfulqa\/x: true 66\.7% \[/);
    expect(extraSummaryLines({ ...summary, cacheHits: 0, bias: undefined, truthfulness: undefined })).toEqual([]);
  });
});
