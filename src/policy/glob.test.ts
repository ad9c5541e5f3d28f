// Tests of the glob matchers: semantics against a reference, hostile inputs in linear time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, compileGlobs } from './glob.js';

/** Reference semantics via RegExp (fine for the short strings of the property test). */
function reference(pattern: string, text: string): boolean {
  const source = [...pattern].map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`).test(text);
}

describe('compileGlob', () => {
  it('matches literals, prefixes, suffixes, infixes and ?', () => {
    const cases: [string, string, boolean][] = [
      ['*', '', true],
      ['*', 'anything/at all', true],
      ['gpt-4o', 'gpt-4o', true],
      ['gpt-4o', 'gpt-4o-mini', false],
      ['gpt-*', 'gpt-4o-mini', true],
      ['gpt-*', 'gpt-', true],
      ['gpt-*', 'GPT-4', false],
      ['*-mini', 'gpt-4o-mini', true],
      ['team-*-prod', 'team-a-prod', true],
      ['team-*-prod', 'team--prod', true],
      ['team-*-prod', 'team-prod', false],
      ['ab*ba', 'aba', false],
      ['ab*ba', 'abba', true],
      ['/v1/*', '/v1/chat/completions', true],
      ['/v1/*/completions', '/v1/chat/completions', true],
      ['/v1/*/completions', '/v2/chat/completions', false],
      ['a*b*c', 'aXbYc', true],
      ['a*b*c', 'acb', false],
      ['gpt-?', 'gpt-4', true],
      ['gpt-?', 'gpt-45', false],
      ['?*?', 'a', false],
      ['?*?', 'ab', true],
      ['a?c*d?f', 'abcXXdef', true],
    ];
    for (const [pattern, text, expected] of cases) expect(compileGlob(pattern)(text), `${pattern} ~ ${text}`).toBe(expected);
  });

  it('agrees with the RegExp reference (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', '-', '/', '*', '?');
    const textAlphabet = fc.constantFrom('a', 'b', '-', '/', '*', '?', 'é');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 8 }).map((a) => a.join('')), fc.array(textAlphabet, { maxLength: 12 }).map((a) => a.join('')), (pattern, text) => {
        expect(compileGlob(pattern)(text)).toBe(reference(pattern, text));
      }),
      { numRuns: 3000 },
    );
  });

  it('stays fast on hostile model names (no backtracking)', () => {
    const match = compileGlob('a*a*a*a*a*a*a*b');
    const hostile = 'a'.repeat(200_000);
    expect(match(hostile)).toBe(false);
    expect(compileGlob('?a*?a*?a*b')(hostile)).toBe(false);
    expect(compileGlob('*b')(hostile)).toBe(false);
    expect(match(`${hostile}b`)).toBe(true);
  });

  it('handles empty text, lone surrogates and astral characters as UTF-16 units', () => {
    expect(compileGlob('a*')('')).toBe(false);
    expect(compileGlob('*')('\ud800')).toBe(true);
    expect(compileGlob('x?y')('x\ud800y')).toBe(true);
    expect(compileGlob('x??y')('x😀y')).toBe(true);
  });
});

describe('compileGlobs', () => {
  it('matches when any pattern does', () => {
    const m = compileGlobs(['gpt-*', 'o1', 'claude-?-*']);
    expect(m('gpt-4')).toBe(true);
    expect(m('o1')).toBe(true);
    expect(m('claude-3-opus')).toBe(true);
    expect(m('llama')).toBe(false);
    expect(compileGlobs(['x', '*'])('anything')).toBe(true);
    expect(compileGlobs([])('x')).toBe(false);
  });
});
