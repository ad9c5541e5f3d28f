import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXCERPT_CHARS, maskExcerpt, promptDigest } from './prompt-digest.js';

describe('promptDigest', () => {
  it('keeps a hash, the length and a masked excerpt of the last text, not the raw text', () => {
    const texts = ['You are a shop assistant.', 'My card is 4111 1111 1111 1111, mail me at jane.doe@example.com, key sk-abcdefghijklmnopqrstuvwx'];
    const d = promptDigest(texts, false)!;
    expect(d.sha256).toBe(`sha256:${createHash('sha256').update(texts.join('\n')).digest('hex')}`);
    expect(d.chars).toBe(texts[0]!.length + texts[1]!.length);
    expect(d.excerpt).toBe('My card is #### #### #### ####, mail me at [email] key [token]');
    expect(d.text).toBeUndefined();
    expect(JSON.stringify(d)).not.toMatch(/4111|jane\.doe|abcdefghijklmnop/);
  });

  it('keeps the text when the policy asks; nothing for a request without texts', () => {
    expect(promptDigest(['a', 'b'], true)?.text).toBe('a\nb');
    expect(promptDigest([], true)).toBeUndefined();
  });

  it('the excerpt is short, single-line and never shows a digit, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (s) => {
        const e = maskExcerpt(s);
        expect(e.length).toBeLessThanOrEqual(EXCERPT_CHARS + 1);
        expect(e).not.toMatch(/[\p{Nd}\n\r\u2028\u2029]/u);
      }),
    );
  });
});
