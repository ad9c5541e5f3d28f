// Tests of the last-line redaction of events before they are stored.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEvent } from '../core/event.js';
import type { Finding } from '../core/finding.js';
import { isSecretName, MAX_ATTRIBUTE_DEPTH, REDACTED, redactEvent, redactValue } from './redact-event.js';

describe('isSecretName', () => {
  it.each([
    'authorization',
    'Authorization',
    'proxy-authorization',
    'api_key',
    'apiKey',
    'X-API-Key',
    'XAPIKey',
    'x-api-key',
    'token',
    'access_token',
    'accessToken',
    'refresh-token',
    'id_token',
    'password',
    'db_password',
    'passwd',
    'pwd',
    'cookie',
    'set-cookie',
    'Cookies',
    'client_secret',
    'secretKey',
    'privateKey',
    'private_key',
    'aws_access_key_id',
    'credentials',
    'jwt',
    'session',
    'session_id',
    'x-auth-token',
    'x'.repeat(200),
  ])('%s is a secret name', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each(['model', 'max_tokens', 'prompt_tokens', 'completion_tokens', 'tokens', 'tokenizer', 'tokenCount', 'token_type', 'route', 'principal', 'keyId', 'upstream', 'status', 'durationMs', 'content-type'])(
    '%s is not',
    (name) => {
      expect(isSecretName(name)).toBe(false);
    },
  );

  it('stays fast on a long upper-case name (no backtracking in the word split)', () => {
    expect(isSecretName('A'.repeat(120))).toBe(false);
    expect(isSecretName('A'.repeat(1 << 20))).toBe(true);
  });
});

describe('redactValue', () => {
  it('masks bearer/basic credentials and Bulwark keys in values', () => {
    expect(redactValue('Bearer eyJhbGciOi', 0)).toBe(REDACTED);
    expect(redactValue('  basic dXNlcjpwYXNz', 0)).toBe(REDACTED);
    expect(redactValue(`key bwk_${'a'.repeat(16)}_abcd`, 0)).toBe(REDACTED);
    expect(redactValue('a bearer of news', 0)).toBe('a bearer of news');
    expect(redactValue('gpt-4o', 0)).toBe('gpt-4o');
  });

  it('returns the same object when nothing needs redaction', () => {
    const attrs = { model: 'gpt-4o', usage: { prompt_tokens: 1 }, list: [1, 'two', { three: 3 }], at: new Date(0) };
    expect(redactValue(attrs, 0)).toBe(attrs);
  });

  it('copies instead of mutating, at any depth and inside arrays', () => {
    const attrs = { a: [{ b: { password: 'p', keep: 1 } }], c: 'ok' };
    const clean = redactValue(attrs, 0);
    expect(clean).toEqual({ a: [{ b: { keep: 1 } }], c: 'ok' });
    expect(attrs.a[0]?.b.password).toBe('p');
  });

  it('cuts structures deeper than the limit (and so cycles)', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < MAX_ATTRIBUTE_DEPTH + 2; i++) deep = { d: deep };
    expect(JSON.stringify(redactValue(deep, 0))).toContain('[truncated]');
    const cycle: Record<string, unknown> = {};
    cycle.me = cycle;
    expect(() => JSON.stringify(redactValue(cycle, 0))).not.toThrow();
  });

  it('never leaves a secret-named key anywhere (property)', () => {
    const secretKey = fc.constantFrom('authorization', 'api_key', 'token', 'password', 'cookie', 'clientSecret');
    const key = fc.oneof(secretKey, fc.constantFrom('model', 'route', 'usage', 'max_tokens'));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.dictionary(key, tie('node'), { maxKeys: 4 }), fc.array(tie('node'), { maxLength: 3 })),
    })).node;
    fc.assert(
      fc.property(tree, (value) => {
        const names: string[] = [];
        JSON.stringify(redactValue(value, 0), (k, v: unknown) => {
          names.push(k);
          return v;
        });
        expect(names.filter((n) => isSecretName(n))).toEqual([]);
      }),
    );
  });
});

describe('redactEvent', () => {
  it('returns the event itself when it holds no secret', () => {
    const e = createEvent({ kind: 'detection', source: 'guard', decision: 'allow', attributes: { model: 'm' } });
    expect(redactEvent(e)).toBe(e);
  });

  it('cleans attributes, finding metadata and evidence without touching the original', () => {
    const finding: Finding = {
      detector: 'secrets',
      category: 'credential',
      score: 1,
      severity: 'high',
      evidence: `bwk_${'B'.repeat(16)}_zzzz…`,
      tags: {},
      metadata: { token: 'abc', rule: 'bulwark-key' },
    };
    const e = createEvent({ kind: 'detection', source: 'guard', decision: 'redact', findings: [finding], attributes: { cookie: 'c', model: 'm' } });
    const clean = redactEvent(e);
    expect(clean.attributes).toEqual({ model: 'm' });
    expect(clean.findings[0]).toMatchObject({ evidence: REDACTED, metadata: { rule: 'bulwark-key' } });
    expect(e.attributes).toHaveProperty('cookie');
    expect(e.findings[0]?.metadata).toHaveProperty('token');
  });
});
