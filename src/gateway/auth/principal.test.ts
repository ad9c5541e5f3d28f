import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anonymousPrincipal,
  compileModelPatterns,
  globMatch,
  MAX_MODEL_NAME,
  modelAllowed,
  principalFromApiKey,
  type Principal,
} from './principal.js';

function principal(models: readonly string[]): Principal {
  return { id: 'key:t', kind: 'api-key', name: 't', models, limits: {} };
}

describe('globMatch', () => {
  it.each([
    ['gpt-*', 'gpt-4o', true],
    ['gpt-*', 'gpt-', true],
    ['gpt-*', 'GPT-4o', false],
    ['gpt-*', 'my-gpt-4o', false],
    ['*-mini', 'gpt-4o-mini', true],
    ['llama-3.?-*', 'llama-3.1-70b', true],
    ['llama-3.?-*', 'llama-3.10-70b', false],
    ['meta-llama/*', 'meta-llama/Llama-3-8B', true],
    ['*', '', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['?', '', false],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
  ])('%s ~ %s = %s', (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });

  it('agrees with an anchored regex translation on random inputs', () => {
    const alphabet = fc.constantFrom('a', 'b', '-', '*', '?');
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 8 }), fc.string({ unit: fc.constantFrom('a', 'b', '-'), maxLength: 10 }), (p, t) => {
        const re = new RegExp(`^${p.replace(/[-]/g, '\\-').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
        expect(globMatch(p, t)).toBe(re.test(t));
      }),
      { numRuns: 2000 },
    );
  });

  it('stays fast on a pathological pattern against a long name', () => {
    const pattern = `${'*a'.repeat(64)}*b`;
    expect(globMatch(pattern, 'a'.repeat(MAX_MODEL_NAME))).toBe(false);
  });
});

describe('modelAllowed', () => {
  it('allows anything with *', () => {
    const p = principal(['*']);
    expect(modelAllowed(p, 'gpt-4o')).toBe(true);
    expect(modelAllowed(p, 'x'.repeat(10_000))).toBe(true);
  });

  it('matches exact names and globs, nothing else', () => {
    const p = principal(['gpt-4o', 'llama-*']);
    expect(modelAllowed(p, 'gpt-4o')).toBe(true);
    expect(modelAllowed(p, 'llama-3-8b')).toBe(true);
    expect(modelAllowed(p, 'gpt-4o-mini')).toBe(false);
    expect(modelAllowed(p, '')).toBe(false);
    expect(modelAllowed(p, `llama-${'x'.repeat(MAX_MODEL_NAME)}`)).toBe(false);
  });

  it('denies everything with an empty list', () => {
    expect(modelAllowed(principal([]), 'gpt-4o')).toBe(false);
  });

  it('compiles a pattern list once and shares it', () => {
    expect(compileModelPatterns(['a-*', 'b'])).toBe(compileModelPatterns(['a-*', 'b']));
    expect(compileModelPatterns(['a-*', 'b'])).not.toBe(compileModelPatterns(['a-*', 'c']));
  });
});

describe('principal constructors', () => {
  it('builds an anonymous principal with defaults', () => {
    const a = anonymousPrincipal();
    expect(a).toMatchObject({ id: 'anonymous', kind: 'anonymous', models: ['*'], limits: {} });
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('builds an API key principal once per record object', () => {
    const record = { id: 'abc', name: 'team-a', policy: 'default', models: ['gpt-*'], rpm: 600, tpm: 100_000 };
    const p = principalFromApiKey(record);
    expect(p).toMatchObject({ id: 'key:abc', kind: 'api-key', name: 'team-a', policy: 'default', limits: { rpm: 600, tpm: 100_000 } });
    expect(p.limits).not.toHaveProperty('concurrency');
    expect(principalFromApiKey(record)).toBe(p);
    expect(modelAllowed(p, 'gpt-4o')).toBe(true);
    expect(modelAllowed(p, 'claude')).toBe(false);
  });
});
