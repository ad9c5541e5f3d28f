import { describe, expect, it } from 'vitest';
import { cueAfter, cueBefore } from './name-cues.js';

/** The cue before the word "X" in `text`. */
function cue(text: string): string | undefined {
  return cueBefore(text, text.lastIndexOf('X'));
}

describe('cueBefore', () => {
  it('recognises honorifics, naming phrases, labels and hints', () => {
    expect(cue('Dear Mr. X')).toBe('title');
    expect(cue('Dr X')).toBe('title');
    expect(cue('Hello, my name is X')).toBe('strong');
    expect(cue('Sincerely,\nX')).toBe('strong');
    expect(cue('Full name:   X')).toBe('strong');
    expect(cue("What's your last name? X")).toBe('strong');
    expect(cue('From: X')).toBe('strong');
    expect(cue('Hi X')).toBe('greeting');
    expect(cue('please speak to X')).toBe('verb');
    expect(cue('I work with X')).toBe('weak');
  });

  it.each([
    ['Sehr geehrte Frau X', 'title'],
    ['Bonjour Mme X', 'title'],
    ['M. X', 'title'],
    ['Estimada Sra. X', 'title'],
    ['Gentile Dott. X', 'title'],
    ['Szanowny Pan X', 'title'],
    ['Уважаемый господин X', 'title'],
    ['κα X', 'title'],
    ['Sir X', 'title'],
  ])('reads the honorific in %j', (text, kind) => expect(cue(text)).toBe(kind));

  it('needs a capital for honorifics that are also English words, and a full stop for one-letter ones', () => {
    expect(cue('heat the pan X')).toBeUndefined();
    expect(cue('the dame X')).toBeUndefined();
    expect(cue('Pan X')).toBe('title');
    expect(cue('m X')).toBeUndefined();
  });

  it.each([
    ['my wife X', 'role'],
    ['CEO X', 'role'],
    ['our producer X', 'role'],
    ['meine Tochter X', 'role'],
    ['a character named X', 'naming'],
    ['she named him X', 'naming'],
    ['also known as X', 'naming'],
    ['under the name X', 'naming'],
    ['I told X', 'verb'],
    ['the film starring X', 'verb'],
    ['directed by X', 'verb'],
    ['Hallo X', 'greeting'],
    ['Hi, X', 'greeting'],
    ['me llamo X', 'strong'],
    ['меня зовут X', 'strong'],
    ['Met vriendelijke groet,\nX', 'strong'],
    ['Thanks,\nX', 'strong'],
    ['Cardholder: X', 'strong'],
    ['Von: X', 'strong'],
  ])('reads %j as %s', (text, kind) => expect(cue(text)).toBe(kind));

  it('finds no cue in ordinary text, after a sentence end, or for a label without its colon', () => {
    expect(cue('The report about X')).toBeUndefined();
    expect(cue('We spoke about it. X')).toBeUndefined();
    expect(cue('my name X')).toBeUndefined();
    expect(cue('X')).toBeUndefined();
    expect(cue('Mr:X')).toBeUndefined();
    expect(cue('thanks, X')).toBeUndefined(); // a sign-off only with the name on its own line
    expect(cue('the CEO, X')).toBeUndefined(); // an apposition after a comma is not a role cue
    expect(cue('I told him X')).toBeUndefined(); // only naming verbs skip an object pronoun
  });
});

describe('cueAfter', () => {
  it('reads a relation after a possessive and a verb after a name', () => {
    expect(cueAfter("Anna's husband left", 4, true)).toBe('role');
    expect(cueAfter('Anna said so', 4, false)).toBe('verb');
    expect(cueAfter('Anna is here', 4, false)).toBe('subject');
    expect(cueAfter("Anna's car", 4, true)).toBeUndefined();
    expect(cueAfter('Anna ate', 4, false)).toBeUndefined();
    expect(cueAfter('Anna,said', 4, false)).toBeUndefined();
  });
});
