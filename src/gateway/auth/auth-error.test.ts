import { describe, expect, it } from 'vitest';
import { authError, modelNotAllowedError, type AuthFailureReason } from './auth-error.js';

const ALL: AuthFailureReason[] = [
  'missing',
  'malformed',
  'credential_in_query',
  'conflicting',
  'unknown',
  'revoked',
  'expired',
  'not_yet_valid',
  'bad_audience',
  'bad_issuer',
  'bad_signature',
  'alg_not_allowed',
  'unknown_key',
  'invalid_claims',
  'jwks_unavailable',
];

describe('authError', () => {
  it.each(ALL)('%s gives an OpenAI-style body', (reason) => {
    const r = authError(reason);
    const body = JSON.parse(r.body) as { error: Record<string, unknown> };
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(body.error.param).toBeNull();
    expect(r.headers['content-type']).toBe('application/json');
  });

  it('answers 401 with a bare Bearer challenge when no credential was sent', () => {
    const r = authError('missing');
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Bearer realm="bulwark"');
  });

  it('answers 401 invalid_token for rejected tokens and keys', () => {
    for (const reason of ['bad_signature', 'expired', 'unknown', 'alg_not_allowed'] as const) {
      expect(authError(reason).status).toBe(401);
      expect(authError(reason).headers['www-authenticate']).toBe('Bearer realm="bulwark", error="invalid_token"');
    }
    expect(authError('malformed').headers['www-authenticate']).toContain('invalid_request');
  });

  it('does not tell a revoked key from an unknown one', () => {
    expect(authError('revoked').body).toBe(authError('unknown').body);
  });

  it('answers 503 with Retry-After when the identity provider is unreachable', () => {
    const r = authError('jwks_unavailable');
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('5');
    expect(r.headers['www-authenticate']).toBeUndefined();
  });

  it('refuses an unknown reason (caller mistake)', () => {
    expect(() => authError('nope' as AuthFailureReason)).toThrow(TypeError);
  });
});

describe('modelNotAllowedError', () => {
  it('answers 403 with the model escaped and truncated', () => {
    const r = modelNotAllowedError(`"}<script>${'x'.repeat(1000)}`);
    expect(r.status).toBe(403);
    const body = JSON.parse(r.body) as { error: { message: string; code: string; param: string } };
    expect(body.error).toMatchObject({ code: 'model_not_allowed', param: 'model' });
    expect(body.error.message.length).toBeLessThan(200);
  });
});
