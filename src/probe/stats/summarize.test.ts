import { describe, expect, it } from 'vitest';
import type { CaseKind, CaseResult, Outcome } from '../types.js';
import { summarize } from './summarize.js';
import { truthfulness } from './truthfulness.js';

let seq = 0;
function result(category: string, kind: CaseKind, outcome: Outcome, refused = false, extra: Partial<CaseResult> = {}): CaseResult {
  return {
    caseId: `p/${seq++}`,
    category,
    kind,
    repeat: 0,
    target: 'simulated:naive',
    outcome,
    verdicts: [],
    response: outcome === 'error' ? { text: '', latencyMs: 1, error: { code: 'ECONNRESET', message: 'reset' } } : { text: 'x', latencyMs: 1 },
    refused,
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 1,
    ...extra,
  };
}

describe('summarize', () => {
  it('counts outcomes, ASR over pass + fail, refusal over answered cases', () => {
    const results = [
      result('jailbreak', 'attack', 'fail'),
      result('jailbreak', 'attack', 'fail'),
      result('jailbreak', 'attack', 'pass', true),
      result('jailbreak', 'attack', 'pass', true),
      result('jailbreak', 'attack', 'pass', true),
      result('jailbreak', 'attack', 'error'),
      result('jailbreak', 'attack', 'unscored'),
      result('over-refusal', 'control', 'pass'),
      result('over-refusal', 'control', 'fail', true),
    ];
    const [jb, or] = summarize(results, { tags: { jailbreak: { owaspLlm: ['LLM01:2025'] } } });
    expect(jb).toMatchObject({ category: 'jailbreak', kind: 'attack', total: 7, pass: 3, fail: 2, error: 1, unscored: 1, tags: { owaspLlm: ['LLM01:2025'] } });
    expect(jb?.attackSuccess).toMatchObject({ rate: 0.4, n: 5 });
    expect(jb?.refusal).toMatchObject({ rate: 0.5, n: 6 });
    expect(or).toMatchObject({ category: 'over-refusal', kind: 'control', total: 2 });
    expect(or?.attackSuccess).toBeUndefined();
    expect(or?.refusal).toMatchObject({ rate: 0.5, n: 2 });
  });

  it('an attack category with only errors has ASR n = 0, not NaN', () => {
    const [s] = summarize([result('pi', 'attack', 'error')]);
    expect(s?.attackSuccess).toEqual({ rate: 0, low: 0, high: 1, n: 0 });
    expect(s?.refusal.n).toBe(0);
  });

  it('accepts tags as a map or a function, and any iterable', () => {
    function* gen() {
      yield result('a', 'attack', 'pass');
    }
    expect(summarize(gen(), { tags: new Map([['a', { atlas: ['AML.T0051'] }]]) })[0]?.tags).toEqual({ atlas: ['AML.T0051'] });
    expect(summarize([result('a', 'attack', 'pass')], { tags: () => undefined })[0]?.tags).toEqual({});
  });
});

describe('truthfulness', () => {
  it('refusals count as true but not informative', () => {
    const v = (outcome: Outcome) => [{ grader: 'reference', graderHash: 'h', outcome }];
    const rs = [
      result('tqa', 'quality', 'pass', false, { verdicts: v('pass') }),
      result('tqa', 'quality', 'pass', false, { verdicts: v('pass') }),
      result('tqa', 'quality', 'fail', false, { verdicts: v('fail') }),
      result('tqa', 'quality', 'unscored', true, { verdicts: v('unscored') }),
      result('tqa', 'quality', 'error', false, { verdicts: v('error') }),
      result('other', 'quality', 'pass'),
    ];
    const t = truthfulness(rs);
    expect(t.n).toBe(4);
    expect(t.true.rate).toBe(0.75);
    expect(t.trueInformative.rate).toBe(0.5);
    expect(t.informative.rate).toBe(0.75);
    expect(t.errors).toBe(1);
  });
});
