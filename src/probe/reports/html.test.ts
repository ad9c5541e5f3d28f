// Tests of the HTML report: self-contained, no script anywhere, hostile answers escaped, charts and taxonomy names present.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderHtml } from './html.js';
import { HOSTILE, result, sampleReport } from './testdata/sample-report.js';

describe('renderHtml', () => {
  const html = renderHtml(sampleReport(), { toolVersion: '0.1.0' });

  it('contains no script, no event handler, no external resource', () => {
    expect(html.toLowerCase()).not.toContain('<script');
    const tags = html.match(/<[^>]+>/g) ?? [];
    expect(tags.length).toBeGreaterThan(100);
    for (const tag of tags) {
      expect(tag).not.toMatch(/\s(on[a-z]+|src|href|action|formaction|xlink:href|style)=/i);
      expect(tag).not.toMatch(/^<\/?(script|link|img|iframe|object|embed|image|use|foreignObject|a|form|base)\b/i);
    }
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toContain('@import');
    expect(html).toContain(`http-equiv="Content-Security-Policy" content="default-src 'none'`);
  });

  it('escapes the hostile answer and the hostile category', () => {
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &lt;/pre&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('<code>jailbreak/&lt;b&gt;role-play&lt;/b&gt;</code>');
    expect(html).not.toContain('<b>role-play</b>');
    expect(html).not.toContain('<em>planted</em>');
    expect(html).toContain('&lt;i&gt;fine&lt;/i&gt;');
    // Control characters and lone surrogates are replaced, not copied.
    expect(html).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(html).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });

  it('draws the ASR bars with error bars, the control refusal chart and the trend', () => {
    const svgs = html.match(/<svg /g) ?? [];
    expect(svgs).toHaveLength(3);
    expect(html).toContain('Attack success rate per category (Wilson 95% interval)');
    expect(html).toContain('Refusal rate on safe controls');
    expect(html).toMatch(/class="err"/);
    expect(html).toContain('<polyline');
    // prompt-injection/direct: 1 of 3 with its Wilson interval in the tooltip.
    expect(html).toContain('prompt-injection/direct: 33.3% [6.1%–79.2%], n=3');
  });

  it('lists failed and errored cases with verdicts and taxonomy names, and the gates', () => {
    expect(html).toContain('<code>pi/aaaa</code>');
    expect(html).toContain('ECONNRESET');
    expect(html).toContain('OWASP LLM 2025: LLM01:2025 Prompt Injection');
    expect(html).toContain('MITRE ATLAS: AML.T0051.000 LLM Prompt Injection: Direct');
    expect(html).toContain('NIST-600-1:2.9');
    expect(html).toContain('❌ 1 of 2 gates failed');
    expect(html).not.toContain('<code>ha/ffff</code>'); // unscored is not a failure
    expect(html).toContain('Regressions vs baseline <code>run-1</code>');
  });

  it('no text of the run can open a tag, whatever it contains', () => {
    const structure = (h: string): string[] => (h.match(/<[^>]*>/g) ?? []).map((t) => t.replace(/"[^"]*"/g, '""'));
    const baseline = structure(renderHtml(sampleReport({ results: [result('a/1', 'c', 'attack', 'fail', 0, 'x')] })));
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 200 }), (cat, text) => {
        const r = result('a/1', 'c', 'attack', 'fail', 0, 'x');
        const out = renderHtml(sampleReport({ results: [{ ...r, response: { text, latencyMs: 1 }, target: cat, verdicts: [{ grader: cat, graderHash: 'h', outcome: 'fail', reason: text }] }] }));
        // Same tags as with harmless text: hostile strings only ever become text.
        expect(structure(out)).toEqual(baseline);
      }),
      { numRuns: 150 },
    );
  });

  it('caps the failed-case table and says how many more there are', () => {
    const many = Array.from({ length: 30 }, (_, i) => result(`pi/${i}`, 'prompt-injection/direct', 'attack', 'fail', 0, HOSTILE));
    const out = renderHtml(sampleReport({ results: many }), { maxFailedRows: 10, maxAnswerChars: 20 });
    expect(out.match(/<tr><td><code>prompt-injection\/direct<\/code><\/td><td><code>pi\//g)).toHaveLength(10);
    expect(out).toContain('20 more failed or errored cases');
  });

  it('refuses async results synchronously (they need writeReports or streamReport)', () => {
    async function* gen() {
      yield result('a/1', 'x', 'attack', 'pass');
    }
    expect(() => renderHtml(sampleReport({ results: gen() }))).toThrow(TypeError);
  });
});
