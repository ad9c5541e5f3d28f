import { describe, expect, it } from 'vitest';
import { asNoun, capitalisesNouns, classifyToken, type NameToken } from './name-tokens.js';
import { nameLexicon } from './names/lexicon.js';

function token(word: string): NameToken {
  return classifyToken(word, 0, word, nameLexicon());
}

describe('classifyToken', () => {
  it.each([
    ['Jennifer', 'given'],
    ['Katrine', 'given'],
    ['Ελένη', 'given'],
    ['Сергей', 'given'],
    ['Will', 'givenWord'],
    ['Ella', 'givenWord'], // also the Spanish pronoun
    ['Kowalski', 'family'],
    ['Young', 'familyWord'],
    ['Hennessy', 'part'],
    ['Write', 'common'],
    ['Networks', 'stop'], // the inflection of a listed word takes its flags
    ['Salmons', 'common'],
    ['Google', 'stop'],
    ['Und', 'stop'],
    ['Qwzrtx', 'unknown'],
  ])('grades %s as %s', (word, grade) => expect(token(word).grade).toBe(grade));

  it('takes surname endings and name letters as a name shape, but only for unlisted words', () => {
    for (const word of ['Yefremova', 'Szöllösy', 'Nishiyamaka', 'Kowalczykowa', 'Hafliðason']) {
      expect(token(word)).toMatchObject({ grade: 'part', shapeOnly: true });
    }
    expect(token('Kubernetes').shapeOnly).toBe(false);
    expect(token('Banana').grade).toBe('common'); // Japanese-looking, but an English word
  });

  it('reads the shape of a word', () => {
    expect(token('McDonald').shaped).toBe(true);
    expect(token("O'Brien").shaped).toBe(true);
    expect(token('Smith-Jones').shaped).toBe(true);
    expect(token('JavaScript').shaped).toBe(false);
    expect(token('NASA').shaped).toBe(false);
    expect(token('A').initial).toBe(true);
  });

  it('drops a possessive and remembers it', () => {
    const t = token("Szczepańska's");
    expect(t).toMatchObject({ end: 11, lower: 'szczepańska', possessive: true });
  });

  it('marks words of other scripts and of Cyrillic and Greek', () => {
    expect(token('Αθήνα').latin).toBe(false);
    expect(token('Anna').latin).toBe(true);
  });
});

describe('German text', () => {
  it('is recognised from three frequent German words', () => {
    expect(capitalisesNouns('Die Stadt Vega beabsichtigt den Bau einer Brücke und sie ist nicht reich')).toBe(true);
    expect(capitalisesNouns('The city of Vega plans a bridge over the river.')).toBe(false);
    expect(capitalisesNouns('')).toBe(false);
  });

  it('turns unknown and shape-only words into nouns', () => {
    const noun = token('Qwzrtx');
    asNoun(noun);
    expect(noun.grade).toBe('common');
    const listed = token('Jennifer');
    asNoun(listed);
    expect(listed.grade).toBe('given');
  });
});
