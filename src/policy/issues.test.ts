// Tests of the issue format, the error that carries issues, and the "did you mean" hint.
import { describe, expect, it } from 'vitest';
import { BulwarkError } from '../core/errors.js';
import { closest, configError, formatIssue, formatPath, issuesOf, MAX_ISSUES, shorten } from './issues.js';

describe('formatPath / formatIssue', () => {
  it('joins plain keys with dots and quotes the others', () => {
    expect(formatPath(['policies', 'default', 'input', 0, 'detector'])).toBe('policies.default.input.0.detector');
    expect(formatPath(['policies', 'a.b', 'x y'])).toBe('policies."a.b"."x y"');
    expect(formatPath([])).toBe('');
  });

  it('file:line:column: path: message, leaving out what is unknown', () => {
    expect(formatIssue({ source: 'b.yaml', line: 3, column: 5, path: 'x', message: 'bad' })).toBe('b.yaml:3:5: x: bad');
    expect(formatIssue({ source: 'b.yaml', line: 1, column: 1, path: '', message: 'bad' })).toBe('b.yaml:1:1: bad');
    expect(formatIssue({ source: '<defaults>', path: 'upstreams.0.url', message: 'bad' })).toBe('<defaults>: upstreams.0.url: bad');
  });
});

describe('configError / issuesOf', () => {
  it('sorts by position, drops duplicates, and names the first problem and the count', () => {
    const a = { source: 'f', line: 9, column: 1, path: 'a', message: 'm' };
    const b = { source: 'f', line: 2, column: 4, path: 'b', message: 'm' };
    const e = configError([a, b, a]);
    expect(e.code).toBe('ERR_CONFIG_INVALID');
    expect(e.message).toBe('f:2:4: b: m (and 1 more problem)');
    expect(issuesOf(e)).toEqual([b, a]);
  });

  it('caps the list with a final line', () => {
    const many = Array.from({ length: MAX_ISSUES + 7 }, (_, i) => ({ source: 'f', line: i + 1, column: 1, path: `k${i}`, message: 'm' }));
    const list = issuesOf(configError(many));
    expect(list).toHaveLength(MAX_ISSUES + 1);
    expect(list.at(-1)?.message).toBe('7 more problems not shown');
  });

  it('gives [] for other errors', () => {
    expect(issuesOf(new BulwarkError('ERR_IO'))).toEqual([]);
    expect(issuesOf(new Error('x'))).toEqual([]);
    expect(issuesOf(new BulwarkError('ERR_CONFIG_INVALID', 'x', { context: { issues: 'nope' } }))).toEqual([]);
  });
});

describe('closest / shorten', () => {
  it('suggests near misses and prefixes, not unrelated words', () => {
    expect(closest('treshold', ['threshold', 'options'])).toBe('threshold');
    expect(closest('Threshold', ['threshold'])).toBe('threshold');
    expect(closest('window', ['windowChars', 'mode'])).toBe('windowChars');
    expect(closest('budget', ['budgetMs', 'action'])).toBe('budgetMs');
    expect(closest('colour', ['label', 'threshold'])).toBeUndefined();
    expect(closest('x'.repeat(10_000), ['x'])).toBeUndefined();
  });

  it('makes echoed text printable and short', () => {
    expect(shorten('a\u001b[2Jb')).toBe('a?[2Jb');
    expect(shorten('y'.repeat(100))).toBe(`${'y'.repeat(64)}…`);
  });
});
