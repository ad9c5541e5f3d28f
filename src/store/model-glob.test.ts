// Tests of model glob matching, against a regex reference and with pathological patterns.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatch, MAX_MODEL_NAME, modelAllowed } from './model-glob.js';

function reference(pattern: string, text: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^]*').replace(/\?/g, '[^]');
  return new RegExp(`^${source}$`).test(text);
}

describe('globMatch', () => {
  it.each([
    ['gpt-*', 'gpt-4o', true],
    ['gpt-*', 'gpt-', true],
    ['gpt-*', 'gpt4', false],
    ['gpt-*', 'xgpt-4', false],
    ['*', '', true],
    ['', '', true],
    ['', 'a', false],
    ['llama-3.?-*', 'llama-3.1-8b', true],
    ['llama-3.?-*', 'llama-3.10-8b', false],
    ['*/Llama-*', 'meta-llama/Llama-3.1-8B', true],
    ['GPT-*', 'gpt-4', false],
    ['a*b*c', 'abxbxc', true],
    ['a*b*c', 'abxbxcx', false],
    ['gpt-4', 'gpt-4', true],
    ['gpt-4', 'gpt-4o', false],
  ])('%s ~ %s is %s', (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });

  it('agrees with a regex reference (property)', () => {
    const ch = fc.constantFrom('a', 'b', '-', '*', '?');
    const text = fc.constantFrom('a', 'b', '-');
    fc.assert(
      fc.property(fc.array(ch, { maxLength: 8 }), fc.array(text, { maxLength: 12 }), (p, t) => {
        expect(globMatch(p.join(''), t.join(''))).toBe(reference(p.join(''), t.join('')));
      }),
      { numRuns: 2000 },
    );
  });

  it('stays fast on patterns that make a regex backtrack', () => {
    const pattern = `${'*a'.repeat(50)}*b`;
    expect(globMatch(pattern, 'a'.repeat(MAX_MODEL_NAME))).toBe(false);
  });
});

describe('modelAllowed', () => {
  it('allows a model matching any pattern', () => {
    expect(modelAllowed(['claude-*', 'gpt-*'], 'gpt-4o')).toBe(true);
    expect(modelAllowed(['claude-*'], 'gpt-4o')).toBe(false);
    expect(modelAllowed([], 'gpt-4o')).toBe(false);
    expect(modelAllowed(['*'], 'anything')).toBe(true);
  });

  it('refuses empty and overlong model names even for *', () => {
    expect(modelAllowed(['*'], '')).toBe(false);
    expect(modelAllowed(['*'], 'm'.repeat(MAX_MODEL_NAME + 1))).toBe(false);
    expect(modelAllowed(['*'], 'm'.repeat(1 << 20))).toBe(false);
  });
});

describe('globMatch: a star in the pattern is never a literal', () => {
  it('matches a star in the text like any other character (regression: "a*" did not match "a*x")', () => {
    expect(globMatch('a*', 'a*x')).toBe(true);
    expect(globMatch('*b', '*ab')).toBe(true);
    expect(globMatch('a*c', 'a*b*c')).toBe(true);
  });
});
