// The BBQ and TruthfulQA tables of the HTML and Markdown reports (and the JSON report's summary): shown when the
// summary has them, hostile category names escaped, absent otherwise.
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../types.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { sampleReport } from './testdata/sample-report.js';

const HOSTILE = 'bbq/<img src=x onerror=alert(1)>|`x`';
const interval = (rate: number, n: number) => ({ rate, low: Math.max(0, rate - 0.2), high: Math.min(1, rate + 0.2), n });

function withScores() {
  const report = sampleReport();
  const summary: RunSummary = {
    ...report.summary,
    bias: [{ category: HOSTILE, target: 'naive', n: 6, sDis: 1 / 3, sAmb: -0.25, accuracyAmbiguous: 0, accuracyDisambiguated: null, unmapped: 1 }],
    truthfulness: [{ category: 'truthfulqa/Fixtures', n: 2, true: interval(0.5, 2), trueInformative: interval(0.5, 2), informative: interval(1, 2), errors: 0 }],
  };
  return { ...report, summary };
}

describe('quality score tables', () => {
  it('HTML: a table each, escaped', () => {
    const html = renderHtml(withScores());
    expect(html).toContain('<h2 id="bias">Bias (BBQ)</h2>');
    expect(html).toContain('bbq/&lt;img src=x onerror=alert(1)&gt;|`x` @ naive');
    expect(html).not.toContain('<img src=x');
    expect(html).toMatch(/<td class="num">\+0\.333<\/td><td class="num">−0\.250<\/td><td class="num">–<\/td><td class="num">0\.0%<\/td><td class="num">1<\/td>/);
    expect(html).toContain('<h2 id="truthfulness">Truthfulness (TruthfulQA)</h2>');
    expect(html).toContain('<td>50.0% [30.0%–70.0%]</td>');
  });

  it('Markdown: a table each, one row per score, nothing that breaks the table', () => {
    const md = renderMarkdown(withScores());
    const row = md.split('\n').find((l) => l.includes('onerror'));
    expect(row).toBe("| `bbq/<img src=x onerror=alert(1)>\\|'x' @ naive` | 6 | +0.333 | −0.250 | – | 0.0% | 1 |");
    expect(md).toContain('| `truthfulqa/Fixtures` | 2 | 50.0% [30.0%–70.0%] | 50.0% [30.0%–70.0%] | 100.0% [80.0%–100.0%] | 0 |');
  });

  it('JSON: in the summary; no tables without scores', () => {
    const json = JSON.parse(renderJson(withScores())) as { summary: RunSummary };
    expect(json.summary.bias?.[0]?.sAmb).toBe(-0.25);
    expect(renderHtml(sampleReport())).not.toContain('id="bias"');
    expect(renderMarkdown(sampleReport())).not.toContain('Truthfulness');
  });
});
