import { describe, expect, it } from 'vitest';
import { extractClaims } from './claims.js';
import { hasPolarityCue, isFlipped, sentenceFeatures } from './features.js';

describe('sentenceFeatures', () => {
  it('normalises numbers: separators, decimals, scale words, percentages', () => {
    const f = sentenceFeatures('Revenue rose 5% to 1,000,000 dollars, or 2.5 million euros, in 2023-05-01 and 007.', false);
    expect([...f.numbers].sort()).toEqual(['1', '1000000', '2023', '2500000', '5', '7'].sort());
    expect([...sentenceFeatures('It grew 5 percent', false).numbers]).toEqual(['5']);
  });

  it('reads spelled numbers as digits in stems, and as numbers only when asked', () => {
    const f = sentenceFeatures('Three people arrived', false);
    expect(f.stems.has('3')).toBe(true);
    expect(f.numbers.size).toBe(0);
    expect([...sentenceFeatures('Three people arrived', true).numbers]).toEqual(['3']);
  });

  it('finds capitalised names after the first word, and acronyms anywhere', () => {
    const f = sentenceFeatures('The Eiffel Tower was designed by Gustave Eiffel for the World Fair, says NASA.', false);
    expect(f.entities).toEqual([['eiffel', 'tower'], ['gustave', 'eiffel'], ['world', 'fair'], ['nasa']]);
    expect(sentenceFeatures('NASA launched it. I think so.', false).entities).toEqual([['nasa']]);
    expect(sentenceFeatures('Paris is big', false).entities).toEqual([]);
  });

  it('detects negation and refutation frames, which cancel out', () => {
    expect(isFlipped('The tower is not open to cars')).toBe(true);
    expect(isFlipped("It isn't open")).toBe(true);
    expect(isFlipped('It is a myth that humans use 10 percent of their brain')).toBe(true);
    expect(isFlipped('It is a myth that the wall is not visible')).toBe(false);
    expect(isFlipped('The tower is open to cars')).toBe(false);
    expect(hasPolarityCue('It is a myth that the wall is not visible')).toBe(true);
  });

  it('is safe with prototype property names and lone surrogates', () => {
    expect(() => sentenceFeatures('constructor __proto__ toString hasOwnProperty million \ud800', true)).not.toThrow();
    expect(sentenceFeatures('constructor toString', true).numbers.size).toBe(0);
  });
});

describe('extractClaims', () => {
  const opts = { ignoreShortClaims: true, maxClaims: 50 };
  const claimTexts = (s: string) => extractClaims(s, opts).map((c) => s.slice(c.span.start, c.span.end));

  it('drops hedges, meta talk, questions and statements about the context', () => {
    const s =
      'Sure! Here are the details:\nThe refund window lasts thirty days after delivery. I hope this helps! Is there anything else? The context does not mention shipping costs. Let me know if you have questions.';
    expect(claimTexts(s)).toEqual(['The refund window lasts thirty days after delivery.']);
  });

  it('trims lead-ins with their offsets', () => {
    const s = 'Based on the provided context, the tower is 330 metres tall. According to the documents: Gustave Eiffel designed it.';
    expect(claimTexts(s)).toEqual(['the tower is 330 metres tall.', 'Gustave Eiffel designed it.']);
  });

  it('skips short claims unless they carry a number or a name, or when told not to', () => {
    expect(claimTexts('It is good. It was 1889. Ask Eiffel.')).toEqual(['It was 1889.', 'Ask Eiffel.']);
    expect(extractClaims('It is cheap.', { ignoreShortClaims: false, maxClaims: 5 })).toHaveLength(1);
    expect(extractClaims('It is cheap.', opts)).toHaveLength(0);
  });

  it('caps the number of claims', () => {
    expect(extractClaims('The old tower stands very tall above the river. '.repeat(500), { ...opts, maxClaims: 7 })).toHaveLength(7);
  });
});
