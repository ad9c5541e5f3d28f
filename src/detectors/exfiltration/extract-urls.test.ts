// Tests for URL extraction from markup: kinds, spans, de-duplication of bare URLs, and the candidate limit.
import { describe, expect, it } from 'vitest';
import { extractUrls, type UrlCandidate } from './extract-urls.js';

const LIMITS = { maxUrlLength: 2048, maxCandidates: 1000 };
const extract = (text: string): UrlCandidate[] =>
  extractUrls(text, LIMITS).candidates.sort((a, b) => a.span.start - b.span.start);
const kinds = (text: string): string[] => extract(text).map((c) => `${c.kind} ${c.url} ${text.slice(c.span.start, c.span.end)}`);

describe('extractUrls', () => {
  it('reads markdown inline images and links with their whole markup as the span', () => {
    expect(kinds('![a](https://e.x/i.png) and [b](http://e.x/p "t") and [c](/relative)')).toEqual([
      'md_image https://e.x/i.png ![a](https://e.x/i.png)',
      'md_link http://e.x/p [b](http://e.x/p "t")',
    ]);
  });

  it('keeps balanced parentheses inside a destination', () => {
    expect(kinds('[w](https://en.wikipedia.org/wiki/Foo_(bar))')).toEqual([
      'md_link https://en.wikipedia.org/wiki/Foo_(bar) [w](https://en.wikipedia.org/wiki/Foo_(bar))',
    ]);
  });

  it('resolves reference-style images, links and unused definitions', () => {
    const text = '![img][1] [link][two] [Two]\n\n[1]: https://e.x/a\n[two]: <https://e.x/b>\n[three]: //e.x/c';
    expect(extract(text).map((c) => [c.kind, c.url])).toEqual([
      ['md_ref_image', 'https://e.x/a'],
      ['md_ref_link', 'https://e.x/b'],
      ['md_ref_unused', '//e.x/c'],
    ]);
  });

  it('reads URL attributes of HTML tags, marking auto-loading ones', () => {
    const text = '<img src="https://e.x/i"><a href=https://e.x/l ping="https://e.x/p">x</a><video poster=\'//e.x/v\'>';
    expect(extract(text).map((c) => [c.kind, c.tag, c.url])).toEqual([
      ['html_auto', 'img', 'https://e.x/i'],
      ['html_link', 'a', 'https://e.x/l'],
      ['html_link', 'a', 'https://e.x/p'],
      ['html_auto', 'video', '//e.x/v'],
    ]);
  });

  it('reads CSS url(), @import, autolinks and bare URLs, trimming trailing punctuation', () => {
    expect(kinds("p{background:url('https://e.x/bg')} <https://e.x/auto> see https://e.x/q?a=1). (https://e.x/w_(x))")).toEqual([
      "css_url https://e.x/bg url('https://e.x/bg')",
      'autolink https://e.x/auto <https://e.x/auto>',
      'bare_url https://e.x/q?a=1 https://e.x/q?a=1',
      'bare_url https://e.x/w_(x) https://e.x/w_(x)',
    ]);
  });

  it('does not repeat a URL inside other markup as a bare URL', () => {
    expect(extract('[https://shown.example](https://target.example/x)').map((c) => c.url)).toEqual(['https://target.example/x']);
  });

  it('cuts URLs at maxUrlLength and stops at maxCandidates', () => {
    const [c] = extractUrls(`https://e.x/${'a'.repeat(100)}`, { maxUrlLength: 64, maxCandidates: 10 }).candidates;
    expect(c?.url.length).toBe(64);
    expect(c?.truncated).toBe(true);
    const many = extractUrls('https://e.x/ '.repeat(50), { maxUrlLength: 64, maxCandidates: 10 });
    expect(many.candidates).toHaveLength(10);
    expect(many.complete).toBe(false);
  });
});
