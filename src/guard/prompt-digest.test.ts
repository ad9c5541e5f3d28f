import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXCERPT_CHARS, maskExcerpt, maskTokens, promptDigest } from './prompt-digest.js';

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

  it('masks token runs exactly as the regex /[A-Za-z0-9+/=_-]{16,}/g would', () => {
    const regex = /[A-Za-z0-9+/=_-]{16,}/g;
    const alphabet = fc.constantFrom('a', 'Z', '0', '+', '/', '=', '_', '-', ' ', '.', '\u00e9', '\ud83d\ude00', '@', '\n');
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: alphabet, maxLength: 120 }), fc.string({ maxLength: 120 })), (s) => {
        expect(maskTokens(s)).toBe(s.replace(regex, '[token]'));
      }),
      { numRuns: 500 },
    );
  });
});
