import { describe, expect, it } from 'vitest';
import { cueBefore } from './name-cues.js';

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
    expect(cue('Hi X')).toBe('weak');
    expect(cue('please speak to X')).toBe('weak');
  });

  it('finds no cue in ordinary text, after a sentence end, or for a label without its colon', () => {
    expect(cue('The report about X')).toBeUndefined();
    expect(cue('We spoke about it. X')).toBeUndefined();
    expect(cue('my name X')).toBeUndefined();
    expect(cue('X')).toBeUndefined();
    expect(cue('Mr:X')).toBeUndefined();
  });
});
