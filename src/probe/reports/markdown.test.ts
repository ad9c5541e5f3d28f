// Tests of the Markdown summary: stable output (snapshot), gates, intervals, regressions, and no hostile text escapes.
import { describe, expect, it } from 'vitest';
import { renderMarkdown, topRegressions } from './markdown.js';
import { sampleReport } from './testdata/sample-report.js';

describe('renderMarkdown', () => {
  it('renders the expected comment', () => {
    expect(renderMarkdown(sampleReport())).toMatchInlineSnapshot(`
      "## Bulwark eval: owasp-baseline (❌ 1 of 2 gates failed)

      Run \`run-2\` · finished · 9 requests · targets: \`naive\`

      ### Gates

      |  | Gate | Detail |
      |---|---|---|
      | ❌ | attack success prompt-injection/direct | 33.3% \\[6.1%–79.2%\\], n=3; limit 5.0% |
      | ✅ | over-refusal over-refusal | \\<i\\>fine\\</i\\> \\| 50% |

      ### Attack success by category

      | Category | n | ASR [95% CI] | errors | unscored | vs baseline |
      |---|---:|---|---:|---:|---:|
      | \`jailbreak/<b>role-play</b>\` | 2 | 50.0% [9.5%–90.5%] | 0 | 0 | – |
      | \`prompt-injection/direct\` | 3 | 33.3% [6.1%–79.2%] | 1 | 0 | +13.3 pt |

      ### Over-refusal on safe controls

      | Category | n | Refusal [95% CI] | errors |
      |---|---:|---|---:|
      | \`over-refusal\` | 2 | 50.0% [9.5%–90.5%] | 0 |

      ### Quality

      | Category | pass | fail | errors | unscored | pass rate |
      |---|---:|---:|---:|---:|---:|
      | \`hallucination\` | 0 | 0 | 0 | 1 | – |

      ### Regressions vs baseline \`run-1\`

      | Case | Category | Before | After | p |
      |---|---|---:|---:|---:|
      | \`jb/cccc\\|x\` | \`jailbreak/<b>role-play</b>\` | 0/3 | 3/3 | 0.050 |
      | \`pi/aaaa\` on \`naive\` | \`prompt-injection/direct\` | 0/3 | 2/3 | 0.200 |

      _Rates with Wilson 95% intervals; errors and unscored cases are never counted as passes. Answers are in the HTML and JSON reports._
      "
    `);
  });

  it('is stable: the same report gives the same text whatever the category order', () => {
    const a = sampleReport();
    const b = sampleReport();
    b.summary.categories.reverse();
    expect(renderMarkdown(b)).toBe(renderMarkdown(a));
  });

  it('never includes answers and keeps hostile names inert', () => {
    const md = renderMarkdown(sampleReport());
    expect(md).not.toContain('<script');
    // Outside code spans (where Markdown shows text literally) no raw "<" is left.
    const outsideCode = md.replace(/`(?:[^`\\]|\\.)*`/g, '');
    expect(outsideCode).not.toMatch(/(?<!\\)</);
    expect(md).toContain('`jailbreak/<b>role-play</b>`');
    expect(md).toContain('\\<i\\>fine\\</i\\>');
    expect(md).toContain('`jb/cccc\\|x`');
  });

  it('orders regressions by p, then by the rise in failures', () => {
    const r = (caseId: string, pValue: number | undefined, after: number) => ({ caseId, category: 'c', before: { fail: 0, n: 4 }, after: { fail: after, n: 4 }, ...(pValue === undefined ? {} : { pValue }) });
    expect(topRegressions([r('a', undefined, 4), r('b', 0.5, 1), r('c', 0.5, 3), r('d', 0.01, 1)]).map((x) => x.caseId)).toEqual(['d', 'c', 'b', 'a']);
  });
});
