// findMarkdownImage against a reference regex on random markdown-ish text, and its speed on hostile text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findMarkdownImage } from './markdown-image.js';

/** The slow, obvious definition (alt and URL unbounded so that it agrees with the linear scan on short inputs). */
const REFERENCE = /!\[([^\]\n]{0,200})\]\(\s*(https?:\/\/[^\s)]+)\s*\)/i;

describe('findMarkdownImage', () => {
  it('finds images and their URLs', () => {
    expect(findMarkdownImage('a ![logo]( https://x.test/a.png?q={d} ) b')).toEqual({ alt: 'logo', url: 'https://x.test/a.png?q={d}' });
    expect(findMarkdownImage('![](HTTP://x)')).toEqual({ alt: '', url: 'HTTP://x' });
    expect(findMarkdownImage('[link](https://x) ![img](ftp://x) ![alt\n](http://x) ![ok](http://y)')).toEqual({ alt: 'ok', url: 'http://y' });
    expect(findMarkdownImage(`![${'a'.repeat(201)}](http://x)`)).toBeUndefined();
    expect(findMarkdownImage('![a](http://x')).toBeUndefined();
    // fast-check seed 565301372: a scheme with nothing after it is no URL.
    expect(findMarkdownImage('![](https://)')).toBeUndefined();
  });

  it('agrees with the reference regex on whether there is an image and on its URL', () => {
    const piece = fc.constantFrom('![', ']', '(', ')', '](', 'http://', 'https://', 'x', ' ', '\n', 'a{b}', '!', '[');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }).map((p) => p.join('')), (text) => {
        const mine = findMarkdownImage(text);
        const ref = REFERENCE.exec(text);
        expect(mine !== undefined).toBe(ref !== null);
        if (mine && ref) expect(mine.url).toBe(ref[2]);
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['unclosed images', '![a](https://x/{'.repeat(20_000)],
    ['image openers', '!['.repeat(100_000)],
    ['closers', '![a]'.repeat(50_000)],
    ['spaces after (', '![a](   '.repeat(30_000)],
    ['one long URL', `![a](http://${'a'.repeat(300_000)}`],
  ])('stays linear on %s', (_name, text) => {
    expect(findMarkdownImage(text)).toBeUndefined();
  });
});
