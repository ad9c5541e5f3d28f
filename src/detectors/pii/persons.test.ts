import { describe, expect, it } from 'vitest';
import { scanPersons } from './persons.js';
import type { PiiCandidate } from './types.js';

/** Names at or above the detector's default threshold, as text. */
function names(text: string, threshold = 0.5): string[] {
  const out: PiiCandidate[] = [];
  scanPersons(text, out);
  return out.filter((c) => c.score >= threshold).map((c) => text.slice(c.start, c.end));
}

describe('person names', () => {
  it.each([
    ['We met Jennifer Lopez yesterday.', ['Jennifer Lopez']],
    ['Follow up with Matheus Araujo in a couple of months.', ['Matheus Araujo']],
    ['Clara R. Dickson wrote the song.', ['Clara R. Dickson']],
    ['Ask Daniela C Capon first.', ['Daniela C Capon']],
    ['Leticia Azevedo Martins called.', ['Leticia Azevedo Martins']],
    ['Meet Anna van der Berg; no, Vincent van Gogh.', ['Anna van der Berg', 'Vincent van Gogh']],
    ["Małgorzata Kowalska's report was late.", ['Małgorzata Kowalska']],
    ['José García and Jose Garcia are the same.', ['José García', 'Jose Garcia']],
    ['Thanks to Mary-Jane Smith-Jones for the notes.', ['Mary-Jane Smith-Jones']],
  ])('finds names in %j', (text, expected) => expect(names(text)).toEqual(expected));

  it.each([
    ['My name is Eliane', ['Eliane']],
    ['Mr. Manning is 85 years old.', ['Manning']],
    ['Dear Ms Trentino, thank you.', ['Trentino']],
    ['Name: Kamila Červinková', ['Kamila Červinková']],
    ["What's your last name? Magnusson", ['Magnusson']],
    ['Sincerely,\nHarriet Quimby', ['Harriet Quimby']],
    ['Dr. Young will see you.', ['Young']],
    ['Hi Freddy, can you check?', ['Freddy']],
    ['Danielle: Remember me?', ['Danielle']],
  ])('uses the cue in %j', (text, expected) => expect(names(text)).toEqual(expected));

  it.each([
    'Monday Morning Update from the Platform Team',
    'We flew from Paris to London and then to Sydney.',
    'Visit Washington Post and New York Times archives.',
    'The Charles River flows past Harvard University.',
    'Elizabeth Street and Victoria Station are closed.',
    'Lake Louise and Fort Collins are lovely.',
    'I am French. This is Monday. It is American football.',
    'Apple Music, Google Cloud and Amazon Prime Video.',
    'Alexa Skills and Claude Code are products.',
    'Will Power and Grace Under Pressure are titles.',
    'NASA and the FBI met at the UN.',
    'Use Hyre A Pro for the job.',
    'He lives on the north side of Joaquin Suarez 2906.',
    'Mr. and Mrs. are titles, not names.',
  ])('ignores %j', (text) => expect(names(text)).toEqual([]));

  it('gives a lone given name a score under the default threshold, and a higher one with a cue', () => {
    expect(names('Why is Katherine so impulsive?')).toEqual([]);
    expect(names('Why is Katherine so impulsive?', 0.4)).toEqual(['Katherine']);
    expect(names('Please speak to Katherine today.')).toEqual(['Katherine']);
  });

  it('does not glue names to e-mail addresses, paths or camelCase words', () => {
    expect(names('mail john.Smith@corp.io or see /home/Anna/notes')).toEqual([]);
    expect(names('iPhone and eBay')).toEqual([]);
  });

  it('keeps other scripts out of Latin names', () => {
    expect(names('Ken Holmes와 만났습니다')).toEqual(['Ken Holmes']);
    expect(names('План Б. Каждый день')).toEqual([]);
  });
});
