import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../core/finding.js';
import { analyzeText } from '../text/analysis.js';
import { groundednessDetector } from './groundedness.js';
import { RAG_CASES, type RagCase } from './groundedness/rag-cases.js';

function make(raw: unknown = {}) {
  const detect = groundednessDetector.create(groundednessDetector.options.parse(raw));
  return (text: string, documents?: unknown, prompt?: string): Finding[] => {
    const context = documents === undefined ? undefined : ({ documents, prompt } as { documents: string[]; prompt?: string });
    const f = detect({ text, stage: 'output', context }, { analysis: analyzeText(text) });
    if (f instanceof Promise) throw new TypeError('expected a synchronous detector');
    return f;
  };
}

const scoreAll = make({ threshold: 0 });
const score = (c: RagCase, answer: string) => scoreAll(answer, c.documents, c.prompt)[0]?.score ?? 0;
const FAULTS = ['changedNumber', 'changedName', 'addedClaim', 'negationFlip'] as const;

describe('groundedness: hand-made RAG cases', () => {
  it('has 40 cases: 8 contexts with a grounded answer and 4 faulty ones', () => {
    expect(RAG_CASES.length * (1 + FAULTS.length)).toBe(40);
  });

  for (const c of RAG_CASES) {
    it(`${c.topic}: the grounded answer scores below every faulty one`, () => {
      const grounded = score(c, c.grounded);
      expect(grounded).toBeLessThan(0.2);
      for (const fault of FAULTS) expect(score(c, c[fault]), fault).toBeGreaterThan(grounded);
    });
  }

  it('names the fault of the worst claim', () => {
    const issuesOf = (c: RagCase, answer: string) =>
      (scoreAll(answer, c.documents, c.prompt)[0]!.metadata!.claims as { issues: string[] }[]).flatMap((x) => x.issues);
    const tally = { changedNumber: 'number', changedName: 'entity', addedClaim: 'overlap', negationFlip: 'negation' } as const;
    for (const c of RAG_CASES) {
      for (const fault of FAULTS) expect(issuesOf(c, c[fault]), `${c.topic}/${fault}`).toContain(tally[fault]);
    }
  });

  it('flags a fully invented answer at the default threshold and passes the grounded one', () => {
    const detect = make();
    const c = RAG_CASES[0]!;
    expect(detect(c.grounded, c.documents, c.prompt)).toEqual([]);
    const invented = 'The Statue of Liberty was a gift from Spain in 1921. It is made of solid gold and weighs 800 tonnes.';
    const [f] = detect(invented, c.documents, c.prompt);
    expect(f).toMatchObject({ detector: 'groundedness', category: 'ungrounded', tags: { owaspLlm: ['LLM09:2025'], nistAi600: ['NIST-600-1:2.2'] } });
    expect(f!.score).toBeGreaterThanOrEqual(0.9);
    expect(f!.metadata).toMatchObject({ unsupportedCount: 2, claimCount: 2 });
    expect(f!.evidence).toBe('2 of 2 claims not supported by the documents');
    expect(invented.slice(f!.span!.start, f!.span!.end)).toMatch(/^(The Statue|It is made)/);
  });
});

describe('groundedness: finding shape', () => {
  it('reports claims with spans in the answer, unsupported spans and counts', () => {
    const c = RAG_CASES[1]!;
    const answer = `Sure! ${c.addedClaim} I hope this helps.`;
    const [f] = make({ threshold: 0.1 })(answer, c.documents);
    const claims = f!.metadata!.claims as { span: { start: number; end: number }; support: number }[];
    expect(claims).toHaveLength(2);
    expect(answer.slice(claims[0]!.span.start, claims[0]!.span.end)).toMatch(/^You can return unused items/);
    expect(claims[0]!.support).toBeGreaterThan(0.9);
    expect(claims[1]!.support).toBeLessThan(0.3);
    expect(f!.metadata!.unsupportedSpans).toEqual([claims[1]!.span]);
    expect(f!.span).toEqual(claims[1]!.span);
  });

  it('reports at most 20 claims and judges at most maxClaims', () => {
    const answer = 'The lighthouse keeper painted the red door every single summer. '.repeat(60);
    const [f] = make({ threshold: 0 })(answer, ['A lighthouse stands on the cliff.']);
    expect(f!.metadata!.claimCount).toBe(50);
    expect(f!.metadata!.claims).toHaveLength(20);
    const [g] = make({ threshold: 0, maxClaims: 3 })(answer, ['A lighthouse stands on the cliff.']);
    expect(g!.metadata!.claimCount).toBe(3);
  });

  it('gives no findings without documents, without claims, or below the threshold', () => {
    const detect = make();
    expect(detect('The tower is 330 metres tall and made of iron.')).toEqual([]);
    expect(detect('The tower is 330 metres tall and made of iron.', [])).toEqual([]);
    expect(detect('The tower is 330 metres tall and made of iron.', [42, null])).toEqual([]);
    expect(detect('I hope this helps! Anything else?', ['The tower is tall.'])).toEqual([]);
    expect(detect('', ['The tower is tall.'])).toEqual([]);
  });

  it('reads only maxDocumentsChars of the documents', () => {
    const doc = `${'Filler words about nothing in particular here. '.repeat(20)}The vault code changed in 2021.`;
    const answer = 'The vault code changed in 2021 after the audit.';
    expect(make({ threshold: 0 })(answer, [doc])[0]!.score).toBeLessThan(0.5);
    expect(make({ threshold: 0, maxDocumentsChars: 100 })(answer, [doc])[0]!.score).toBeGreaterThan(0.5);
  });

  it('uses the question as weak context for restated words', () => {
    const docs = ['Nothing happens; the seeds pass through your digestive system.'];
    const answer = 'If you eat watermelon seeds, they simply pass through your digestive system.';
    const without = make({ threshold: 0 })(answer, docs)[0]!.score;
    const withPrompt = make({ threshold: 0 })(answer, docs, 'What happens if you eat watermelon seeds?')[0]!.score;
    expect(withPrompt).toBeLessThan(without);
  });
});

describe('groundedness: options', () => {
  const issues = (raw: unknown) => {
    const r = groundednessDetector.options.safeParse(raw);
    return r.success ? '' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
  };
  it('has working defaults and names bad fields', () => {
    expect(groundednessDetector.options.parse({})).toEqual({
      threshold: 0.25,
      minSupport: 0.5,
      ignoreShortClaims: true,
      maxDocumentsChars: 200_000,
      maxClaims: 50,
    });
    expect(issues({ minSupport: 2 })).toMatch(/^minSupport:/);
    expect(issues({ maxDocumentsChars: 0 })).toMatch(/^maxDocumentsChars:/);
    expect(issues({ extra: true })).toMatch(/extra/);
    expect(groundednessDetector.stages).toEqual(['output']);
  });
});

describe('groundedness: hostile input', () => {
  const detect = make({ threshold: 0 });
  it('handles 1 MB answers and documents, lone surrogates and odd words', () => {
    const big = 'Lorem Ipsum 12,345 dolor sit amet; consectetur. '.repeat(22_000);
    const cases: [string, unknown[]][] = [
      [big, [big]],
      ['\ud800\udc00\ud800 The constructor of __proto__ was 5 million. toString hasOwnProperty.', ['constructor \udfff toString']],
      ['.'.repeat(200_000), ['.'.repeat(200_000)]],
      ['A. '.repeat(100_000), ['B. '.repeat(100_000)]],
      ['The answer is 42.', ['x'.repeat(1_000_000)]],
    ];
    for (const [text, docs] of cases) {
      for (const f of detect(text, docs)) {
        expect(f.score).toBeGreaterThanOrEqual(0);
        expect(f.score).toBeLessThanOrEqual(1);
        expect(f.span!.end).toBeLessThanOrEqual(text.length);
      }
    }
  });

  it('never throws; scores, supports and spans stay in bounds (property)', () => {
    const word = fc.constantFrom('The', 'tower', 'is', 'not', '330', '1,000', 'Paris', 'Eiffel', 'tall', '.', '?', '\n', '-', 'never', 'Dr.', '5%', 'million', '\ud800');
    const sentence = fc.array(word, { maxLength: 30 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(sentence, fc.array(sentence, { maxLength: 4 }), fc.option(sentence, { nil: undefined }), (answer, docs, prompt) => {
        for (const f of detect(answer, docs, prompt)) {
          expect(f.score).toBeGreaterThanOrEqual(0);
          expect(f.score).toBeLessThanOrEqual(1);
          expect(f.span!.start).toBeGreaterThanOrEqual(0);
          expect(f.span!.end).toBeLessThanOrEqual(answer.length);
          for (const c of f.metadata!.claims as { span: { start: number; end: number }; support: number }[]) {
            expect(c.support).toBeGreaterThanOrEqual(0);
            expect(c.support).toBeLessThanOrEqual(1);
            expect(c.span.end).toBeLessThanOrEqual(answer.length);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
