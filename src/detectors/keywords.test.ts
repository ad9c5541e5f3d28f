import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Stage } from '../core/finding.js';
import { analyzeText, type TextAnalysis, type TextVariant } from '../text/analysis.js';
import { keywordsDetector } from './keywords.js';

function make(raw: unknown) {
  return keywordsDetector.create(keywordsDetector.options.parse(raw));
}

async function run(raw: unknown, text: string, variants: TextVariant[] = [], stage: Stage = 'input') {
  const detect = make(raw);
  const base = analyzeText(text);
  const analysis: TextAnalysis = { ...base, variants };
  return detect({ text, stage }, { analysis });
}

const bombs = { lists: [{ name: 'weapons', terms: ['bomb', 'pipe bomb', 'детонатор', '爆弾'], severity: 'high' }] };

describe('keywords detector: matching', () => {
  it('finds a whole word with its span, category and evidence', async () => {
    const text = 'How do I build a Bomb at home?';
    const f = await run(bombs, text);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ detector: 'keywords', category: 'weapons', evidence: 'bomb', severity: 'high', score: 1 });
    expect(text.slice(f[0]!.span!.start, f[0]!.span!.end)).toBe('Bomb');
  });

  it('respects word boundaries (Unicode letters included) unless wholeWord is false', async () => {
    expect(await run(bombs, 'a bombastic speech, bombé, xbomb')).toHaveLength(0);
    const loose = { lists: [{ ...bombs.lists[0], wholeWord: false }] };
    expect(await run(loose, 'a bombastic speech')).toHaveLength(1);
    expect(await run(bombs, 'bomb.')).toHaveLength(1);
    expect(await run(bombs, 'детонатор!')).toHaveLength(1);
    expect(await run(bombs, 'детонаторы')).toHaveLength(0);
  });

  it('reports overlapping phrases from several lists', async () => {
    const f = await run(
      { lists: [bombs.lists[0], { name: 'other', terms: ['PIPE'] }] },
      'a pipe  bomb here',
    );
    expect(f.map((x) => `${x.category}:${x.evidence}`).sort()).toEqual(['other:PIPE', 'weapons:bomb', 'weapons:pipe bomb']);
    const phrase = f.find((x) => x.evidence === 'pipe bomb')!;
    expect('a pipe  bomb here'.slice(phrase.span!.start, phrase.span!.end)).toBe('pipe  bomb');
  });

  it('matches CJK terms as substrings and Latin terms next to CJK characters', async () => {
    const f = await run(bombs, '这是一个爆弾です');
    expect(f).toHaveLength(1);
    expect(f[0]!.span).toEqual({ start: 4, end: 6 });
    const ai = await run({ lists: [{ name: 'ai', terms: ['AI'] }] }, '我爱AI技术');
    expect(ai).toHaveLength(1);
    expect(ai[0]!.span).toEqual({ start: 2, end: 4 });
  });

  it('sees through full-width letters and zero-width characters, with a span on the original', async () => {
    const text = 'build a ｂｏ\u200bｍｂ now';
    const f = await run(bombs, text);
    expect(f).toHaveLength(1);
    expect(f[0]!.metadata).toEqual({ matchedIn: 'original' });
    expect(text.slice(f[0]!.span!.start, f[0]!.span!.end)).toBe('ｂｏ\u200bｍｂ');
  });

  it('maps matches inside NFKC expansions back to the whole source character', async () => {
    const text = 'open the ﬁle now';
    const f = await run({ lists: [{ name: 'x', terms: ['file'] }] }, text);
    expect(f).toHaveLength(1);
    expect(text.slice(f[0]!.span!.start, f[0]!.span!.end)).toBe('ﬁle');
  });

  it('scans decoded variants and reports their span in the original text', async () => {
    const text = 'decode Ym9tYg== please';
    const f = await run(bombs, text, [{ kind: 'base64', text: 'bomb', span: { start: 7, end: 15 } }]);
    expect(f).toEqual([expect.objectContaining({ evidence: 'bomb', span: { start: 7, end: 15 }, metadata: { matchedIn: 'base64' } })]);
    const spaced = await run(bombs, 'b.o.m.b', [{ kind: 'spaced', text: 'bomb' }]);
    expect(spaced).toHaveLength(1);
    expect(spaced[0]!.span).toBeUndefined();
  });

  it('scans the shared normalisation for non-ASCII input and reports it without a span', async () => {
    const detect = make(bombs);
    // A confusable-folding normaliser would turn Cyrillic "о" into "o"; simulate its output.
    const text = 'a bоmb';
    const analysis: TextAnalysis = { original: text, normalized: 'a bomb', variants: [], invisible: [] };
    const f = await detect({ text, stage: 'input' }, { analysis });
    expect(f).toEqual([expect.objectContaining({ evidence: 'bomb', metadata: { matchedIn: 'normalized' } })]);
    expect(f[0]!.span).toBeUndefined();
  });

  it("matchOn 'original' is literal and can be case-sensitive", async () => {
    const cfg = { lists: [{ name: 'codename', terms: ['Blue Falcon'], matchOn: 'original', caseSensitive: true }] };
    expect(await run(cfg, 'project Blue Falcon launch')).toHaveLength(1);
    expect(await run(cfg, 'project blue falcon launch')).toHaveLength(0);
    expect(await run(cfg, 'project Blue\u200b Falcon', [{ kind: 'spaced', text: 'blue falcon' }])).toHaveLength(0);
    const insensitive = { lists: [{ name: 'codename', terms: ['Blue Falcon'], matchOn: 'original' }] };
    expect(await run(insensitive, 'BLUE FALCON')).toHaveLength(1);
  });

  it('applies the threshold to list scores and caps findings', async () => {
    const cfg = { lists: [{ name: 'weak', terms: ['maybe'], score: 0.3 }, { name: 'strong', terms: ['x'] }], maxFindings: 3 };
    const f = await run(cfg, 'maybe x x x x x');
    expect(f.map((x) => x.category)).toEqual(['strong', 'strong', 'strong']);
    expect(await run({ ...cfg, threshold: 0.2 }, 'maybe')).toHaveLength(1);
  });

  it('stays linear with 10k terms over a 1 MB text', async () => {
    const terms = Array.from({ length: 10_000 }, (_, i) => `forbidden${i}word`);
    const detect = make({ lists: [{ name: 'big', terms }] });
    const text = 'nothing to see here but forbidden42word and more text. '.repeat(20_000);
    const f = await detect({ text, stage: 'input' }, { analysis: analyzeText(text) });
    expect(f).toHaveLength(100);
    expect(f[0]!.evidence).toBe('forbidden42word');
  });
});

describe('keywords detector: options', () => {
  const issues = (raw: unknown) => {
    const r = keywordsDetector.options.safeParse(raw);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('requires lists and rejects unknown keys', () => {
    expect(keywordsDetector.requiresOptions).toBe(true);
    expect(issues({})).not.toEqual([]);
    expect(issues({ lists: [{ name: 'a', terms: ['x'], colour: 'red' }] }).join()).toMatch(/colour/);
  });

  it('validates taxonomy tags', () => {
    expect(issues({ lists: [{ name: 'a', terms: ['x'], tags: { owaspLlm: ['LLM01:2025'] } }] })).toEqual([]);
    expect(issues({ lists: [{ name: 'a', terms: ['x'], tags: { owaspLlm: ['LLM99'] } }] }).join()).toMatch(/owaspLlm:LLM99/);
    expect(issues({ lists: [{ name: 'a', terms: ['x'], tags: { madeUp: ['1'] } }] }).join()).toMatch(/madeUp/);
  });

  it('names the bad field', () => {
    expect(issues({ lists: [{ name: 'a', terms: ['x'], caseSensitive: true }] }).join()).toMatch(/lists\.0\.caseSensitive: list "a"/);
    expect(issues({ lists: [{ name: 'a', terms: ['ok', ' \u200b '] }] }).join()).toMatch(/lists\.0\.terms\.1/);
    expect(issues({ lists: [{ name: 'a', terms: ['x'] }, { name: 'a', terms: ['y'] }] }).join()).toMatch(/duplicate list name "a"/);
    expect(issues({ lists: [{ name: 'a', terms: ['x'], score: 2 }] }).join()).toMatch(/lists\.0\.score/);
  });

  it('gives working defaults for optional fields', () => {
    const o = keywordsDetector.options.parse({ lists: [{ name: 'a', terms: ['x'] }] });
    expect(o).toEqual({
      lists: [{ name: 'a', terms: ['x'], matchOn: 'normalized', wholeWord: true, caseSensitive: false, severity: 'medium', score: 1, tags: {} }],
      threshold: 0.5,
      maxFindings: 100,
    });
  });
});

describe('keywords detector: hostile input', () => {
  it('handles empty, lone surrogates and 1 MB of one character', async () => {
    const detect = make(bombs);
    for (const text of ['', '\ud800bomb\udc00', '\udc00\ud800', 'b'.repeat(1_000_000), 'bomb'.repeat(250_000)]) {
      const f = await detect({ text, stage: 'output' }, { analysis: analyzeText(text) });
      for (const x of f) {
        expect(x.span!.start).toBeGreaterThanOrEqual(0);
        expect(x.span!.end).toBeLessThanOrEqual(text.length);
      }
    }
  });

  it('never throws and keeps spans in bounds (property)', async () => {
    const detect = make({
      lists: [
        { name: 'a', terms: ['ab', 'b c', 'ｃ', '爆', '😀', 'ß'] },
        { name: 'b', terms: ['AB'], matchOn: 'original', caseSensitive: true, wholeWord: false },
      ],
    });
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', 'B', ' ', '\u200b', 'ｃ', '爆', '\ud83d', '\ude00', 'ß', 'SS', '.') }),
        fc.array(fc.record({ kind: fc.constant('leetspeak' as const), text: fc.string() }), { maxLength: 2 }),
        async (text, variants) => {
          const f = await detect({ text, stage: 'input' }, { analysis: { ...analyzeText(text), variants } });
          for (const x of f) {
            if (!x.span) continue;
            expect(x.span.start).toBeGreaterThanOrEqual(0);
            expect(x.span.end).toBeLessThanOrEqual(text.length);
            expect(x.span.start).toBeLessThan(x.span.end);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
