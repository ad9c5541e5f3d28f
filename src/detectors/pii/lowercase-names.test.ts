import { describe, expect, it } from 'vitest';
import { scanLowercaseNames } from './lowercase-names.js';
import type { PiiCandidate } from './types.js';

function names(text: string, cuedOnly = false): string[] {
  const out: PiiCandidate[] = [];
  scanLowercaseNames(text, out, cuedOnly);
  return out.filter((c) => c.score >= 0.5).map((c) => text.slice(c.start, c.end));
}

describe('lower-case names', () => {
  it('reads up to three name words after a naming cue', () => {
    expect(names('my name is lena andersson.', true)).toEqual(['lena andersson']);
    expect(names('Hello, my name is vitoria', true)).toEqual(['vitoria']);
    expect(names('My name is Anna', true)).toEqual([]); // capitalised: the main scan reads it
    expect(names('my name is not important', true)).toEqual([]);
  });

  it('pairs listed names in text without capitals', () => {
    expect(names('eva kleist lives at 255 hersnapvej 18, københavn k')).toEqual(['eva kleist']);
    expect(names('my friend jake miller lent me his car')).toEqual(['jake miller']);
  });

  it('finds lists of given names and cued names in text without capitals', () => {
    expect(names('they had 4: silvana, adam, christopher and kristina.')).toEqual(['silvana', 'adam', 'christopher', 'kristina']);
    expect(names('please ask dr. ramirez')).toEqual(['ramirez']);
  });

  it.each([
    'this will mark the end of the season',
    'how do i sort a list in python and rust',
    'the rose garden and the grace period',
    'adam and eve', // two names are not a list
  ])('ignores %j', (text) => expect(names(text)).toEqual([]));
});
