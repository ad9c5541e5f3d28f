// Tests of the escapers: hostile text never leaves its context (HTML, XML, Markdown), checked over arbitrary strings.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdown, escapeXml, escapeXmlAttr, markdownCode, stripInvalidChars, truncate } from './escape.js';
import { parseXml } from './testdata/xml-check.js';

const anyText = fc.string({ unit: 'binary', maxLength: 200 });

describe('escapers', () => {
  it('HTML: no markup survives, entities decode back to the (cleaned) text', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const out = escapeHtml(s);
        expect(out).not.toMatch(/[<>"']/);
        expect(out.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
        const back = out.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
        expect(back).toBe(stripInvalidChars(s));
      }),
    );
  });

  it('XML: any text as element content and attribute value gives a well-formed document that round-trips', () => {
    fc.assert(
      fc.property(anyText, anyText, (text, attr) => {
        const root = parseXml(`<a v="${escapeXmlAttr(attr)}">${escapeXml(text)}</a>`);
        expect(root.text).toBe(stripInvalidChars(text));
        expect(root.attrs.v).toBe(stripInvalidChars(attr));
      }),
    );
  });

  it('replaces control characters, lone surrogates and non-characters, keeps tab/newline and pairs', () => {
    expect(stripInvalidChars('a\u0000b\u0007c\td\ne\uffff\ud800f\udc00g😀')).toBe('a\ufffdb\ufffdc\td\ne\ufffd\ufffdf\ufffdg😀');
  });

  it('Markdown: one line, no live syntax, no mentions, no autolinks', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const out = escapeMarkdown(s);
        expect(out).not.toMatch(/[\n\r]/);
        // Every markdown-active character is preceded by a backslash.
        expect(out.replace(/\\[\\`*_{}[\]()<>#+!|~]/g, '')).not.toMatch(/[`*_{}[\]()<>#+!|~]/);
        expect(out).not.toContain('@');
      }),
    );
    expect(escapeMarkdown('![x](https://evil.example/a) @team <img>')).toBe('\\!\\[x\\]\\(https&#58;//evil.example/a\\) &#64;team \\<img\\>');
    expect(markdownCode('a`b|c\nd')).toBe("`a'b\\|c d`");
  });

  it('truncates without splitting a surrogate pair', () => {
    expect(truncate('abc', 5)).toBe('abc');
    expect(truncate('ab😀', 3)).toBe('ab…');
    expect(truncate('abcdef', 3)).toBe('abc…');
  });
});
