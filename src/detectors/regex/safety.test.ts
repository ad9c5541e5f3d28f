import { describe, expect, it } from 'vitest';
import { parseRegex } from './parse.js';
import { analyseRegex } from './safety.js';

function check(pattern: string, flags = '') {
  const { tree, backrefs } = parseRegex(pattern, {
    ignoreCase: flags.includes('i'),
    multiline: flags.includes('m'),
    dotAll: flags.includes('s'),
    unicodeSets: flags.includes('v'),
  });
  return analyseRegex(tree, backrefs);
}

describe('static ReDoS checker', () => {
  it.each([
    ['(a+)+b', /nested quantifier a\+/],
    ['(a*)*b', /nested quantifier/],
    ['^(\\w+\\s?)*$', /nested quantifier \\w\+/],
    ['(?:\\d+|[a-z]+)*x', /nested quantifier/],
    ['(a?a)+b', /nested quantifier a\?/],
    ['(.*,)+x', /nested quantifier/],
    ['(?:(?:a|b)+c?)+d', /nested quantifier/],
    ['(a|ab)+c', /alternation inside repeated/],
    ['(\\w|\\d)+!', /alternation/],
    ['\\w+\\w+x', /quantifiers \\w\+ and \\w\+/],
    ['.*a.*b', /quantifiers \.\* and \.\*/],
    ['\\d+\\.?\\d*%', /quantifiers \\d\+ and \\d\*/],
    ['\\s*(?:foo)?\\s*x', /quantifiers/],
    ['\\w{1,30}\\w{1,30}\\w{1,30}x', /too many ways/],
    ['(\\w)\\1+', /backreference inside a repeated group/],
    ['(a)(b)\\1\\2', /more than one backreference/],
    ['a{2000}', /counted repetition/],
    ['x*', /empty string/],
    ['\\b', /empty string/],
  ])('rejects %s', (pattern, reason) => {
    const r = check(pattern);
    expect(r.problems.join('\n')).toMatch(reason);
  });

  it('case folding makes branches overlap', () => {
    expect(check('(?:a|B)+x').problems).toEqual([]);
    expect(check('(?:a|A)+x', '').problems).toEqual([]);
    expect(check('(?:b|A)+x', 'i').problems).toEqual([]);
    expect(check('(?:a|A)+x', 'i').problems).not.toEqual([]);
    expect(check('(?:k|\\u212A)+x', 'i').problems).not.toEqual([]);
  });

  it.each([
    'sk-[A-Za-z0-9]{20,}',
    'password\\s*[:=]\\s*\\S+',
    '\\b[\\w.+-]+@[\\w-]+\\.[\\w.]+\\b',
    '(\\d+\\.){3}\\d+',
    '(?:[a-z0-9-]+\\.)+[a-z]{2,}',
    '"(?:\\\\.|[^"\\\\])*"',
    '(ab+)+',
    '(\\w+\\s)+x',
    '\\d{3}-\\d{2}-\\d{4}',
    '(["\']).*?\\1',
    '\\p{L}+\\s\\p{L}+x',
    '(?<year>\\d{4})-(?<month>\\d{2})',
    '[\\p{L}--[a-z]]+x',
    '\\bAKIA[0-9A-Z]{16}\\b',
  ])('accepts %s', (pattern) => {
    expect(check(pattern, pattern.includes('--') ? 'v' : '').problems).toEqual([]);
  });

  it('flags quadratic shapes without rejecting them', () => {
    expect(check('\\w+x').quadratic).toBe(true);
    expect(check('.*secret').quadratic).toBe(true);
    expect(check('[ab]+$').quadratic).toBe(true);
    expect(check('(?=.*x)y').quadratic).toBe(true);
    // Guarded: a mandatory prefix outside the loop's characters, ^, \b before word characters.
    expect(check('sk-[A-Za-z0-9]{20,}x').quadratic).toBe(false);
    expect(check('^\\w+x').quadratic).toBe(false);
    expect(check('\\b\\w+x').quadratic).toBe(false);
    // Nothing after the loop can fail, so the engine never backtracks into it.
    expect(check('\\w+').quadratic).toBe(false);
    expect(check('ab\\s*c?').quadratic).toBe(false);
  });

  it('weighs chains of bounded quantifiers that share a run', () => {
    expect(check('.{2,}.{0,12}b{0,12}!')).toMatchObject({ problems: [], quadratic: true, weight: 169 });
    expect(check('\\d{1,3}\\.\\d{1,3}')).toMatchObject({ problems: [], weight: 3 });
    expect(check('sk-[a-z]{20,}').weight).toBe(1);
  });

  it('treats \\P{..} and v-flag set operations as "anything" (over-approximation)', () => {
    expect(check('(?:\\P{L}|a)+x').problems).not.toEqual([]);
    expect(check('(?:[\\p{L}&&[a-c]]|1)+x', 'v').problems).toEqual([]);
  });

  it('parses hostile pattern text without hanging or throwing', () => {
    for (const p of ['(?<', '\\k<', '\\p{', '\\u{', '[\\q{', '(((((', '\\', '[', '{1,2}', '(?i:a)+']) {
      expect(() => check(p, 'v')).not.toThrow();
    }
  });
});
