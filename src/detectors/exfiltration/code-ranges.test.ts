// Tests for markdown code ranges: fenced blocks, inline code, paragraph limits, and linear time on backtick floods.
import { describe, expect, it } from 'vitest';
import { codeRanges, insideRanges } from './code-ranges.js';

const slices = (text: string): string[] => codeRanges(text).map((r) => text.slice(r.start, r.end));

describe('codeRanges', () => {
  it('finds fenced blocks with backticks and tildes, closed by a fence at least as long', () => {
    const text = 'a\n```js\nx ``` y\n```\nb\n~~~~\ncode\n~~~\nstill\n~~~~\nc';
    expect(slices(text)).toEqual(['```js\nx ``` y\n```', '~~~~\ncode\n~~~\nstill\n~~~~']);
  });

  it('runs an unclosed fence to the end of the text', () => {
    expect(slices('a\n```\nb\nc')).toEqual(['```\nb\nc']);
  });

  it('pairs inline code runs of equal length within a paragraph only', () => {
    expect(slices('use `a` or ``b ` c`` here')).toEqual(['`a`', '``b ` c``']);
    expect(slices('one ` here\n\nand ` there')).toEqual([]);
    expect(slices('one ` here\nand ` there')).toEqual(['` here\nand `']);
  });

  it('never pairs inline code across a fenced block', () => {
    expect(slices('x `\n```\ny\n```\n` z')).toEqual(['```\ny\n```']);
  });

  it('answers membership by binary search', () => {
    const ranges = codeRanges('a `b` c `d` e');
    expect([0, 2, 4, 5, 8, 12].map((p) => insideRanges(ranges, p))).toEqual([false, true, true, false, true, false]);
  });

  it('stays linear on a megabyte of backticks and fences', () => {
    expect(codeRanges('`'.repeat(1_000_000)).length).toBeLessThanOrEqual(1);
    expect(codeRanges('`a``b```c'.repeat(100_000)).length).toBeGreaterThan(0);
    expect(codeRanges('```\n'.repeat(250_000)).length).toBeGreaterThan(0);
  });
});
