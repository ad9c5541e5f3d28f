import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitSentences } from './sentences.js';

const texts = (s: string) => splitSentences(s).map((x) => x.text);

describe('splitSentences', () => {
  it('splits on terminators followed by a capital, keeping offsets', () => {
    const s = 'First one. Second one! Third? "Quoted" fourth.';
    const parts = splitSentences(s);
    expect(parts.map((p) => p.text)).toEqual(['First one.', 'Second one!', 'Third?', '"Quoted" fourth.']);
    for (const p of parts) expect(s.slice(p.start, p.end)).toBe(p.text);
  });

  it('does not split abbreviations, initials, decimals or lower-case continuations', () => {
    expect(texts('Dr. Smith met Mr. Jones at 3.14 p.m. yesterday. J. K. Rowling wrote it, e.g. the first book.')).toEqual([
      'Dr. Smith met Mr. Jones at 3.14 p.m. yesterday.',
      'J. K. Rowling wrote it, e.g. the first book.',
    ]);
    expect(texts('It costs approx. five dollars. The U.S. economy grew by 2.5 percent.')).toEqual([
      'It costs approx. five dollars.',
      'The U.S. economy grew by 2.5 percent.',
    ]);
    expect(texts('Wait... what happened next? Nothing.')).toEqual(['Wait... what happened next?', 'Nothing.']);
  });

  it('treats list items and lines as separate sentences without their markers', () => {
    const s = 'Steps:\n1. Open the app\n2) Tap settings\n- Choose a plan\n• Pay';
    expect(texts(s)).toEqual(['Steps:', 'Open the app', 'Tap settings', 'Choose a plan', 'Pay']);
    const item = splitSentences(s)[1]!;
    expect(s.slice(item.start, item.end)).toBe('Open the app');
  });

  it('splits on semicolons and full-width terminators', () => {
    expect(texts('It is cheap; it is fast')).toEqual(['It is cheap;', 'it is fast']);
    expect(texts('东京是日本的首都。大阪很大！')).toEqual(['东京是日本的首都。', '大阪很大！']);
  });

  it('honours the cap and handles hostile input', () => {
    expect(splitSentences('Aa. Bb. Cc. Dd. '.repeat(10), 3)).toHaveLength(3);
    for (const s of ['', '\n\n\n', '.'.repeat(100_000), 'a. '.repeat(50_000), '\ud800. \udc00.']) expect(() => splitSentences(s)).not.toThrow();
  });

  it('returns in-bounds, non-overlapping, trimmed segments (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'B', ' ', '.', '?', '\n', '1', '-', ';', '。', 'Dr', '\ud800') }), (s) => {
        let last = 0;
        for (const p of splitSentences(s)) {
          expect(p.start).toBeGreaterThanOrEqual(last);
          expect(p.end).toBeLessThanOrEqual(s.length);
          expect(p.start).toBeLessThan(p.end);
          expect(s.slice(p.start, p.end)).toBe(p.text);
          expect(p.text.trim()).toBe(p.text);
          last = p.end;
        }
      }),
      { numRuns: 500 },
    );
  });
});
