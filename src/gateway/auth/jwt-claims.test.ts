import type { JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { principalFromClaims } from './jwt-claims.js';

const BASE = { iss: 'https://idp/', sub: 'alice' };

describe('principalFromClaims', () => {
  it('names the principal by issuer and subject, with defaults', () => {
    const r = principalFromClaims(BASE, { defaultPolicy: 'default', defaultLimits: { rpm: 5 } });
    expect(r).toEqual({
      ok: true,
      principal: { id: 'jwt:https://idp/|alice', kind: 'jwt', name: 'alice', policy: 'default', models: ['*'], limits: { rpm: 5 } },
    });
    if (r.ok) expect(Object.isFrozen(r.principal)).toBe(true);
  });

  it('uses another principal claim when configured', () => {
    expect(principalFromClaims({ ...BASE, client_id: 'svc-1' }, { principalClaim: 'client_id' })).toMatchObject({
      ok: true,
      principal: { id: 'jwt:https://idp/|svc-1', name: 'svc-1' },
    });
  });

  it('reads models as an array or a space-separated string', () => {
    expect(principalFromClaims({ ...BASE, m: ['a', 'b-*'] }, { modelsClaim: 'm' })).toMatchObject({ principal: { models: ['a', 'b-*'] } });
    expect(principalFromClaims({ ...BASE, m: '  a   b-* ' }, { modelsClaim: 'm' })).toMatchObject({ principal: { models: ['a', 'b-*'] } });
    expect(principalFromClaims({ ...BASE, m: [] }, { modelsClaim: 'm' })).toMatchObject({ principal: { models: [] } });
  });

  it('falls back to the defaults when an optional claim is absent', () => {
    const r = principalFromClaims(BASE, { modelsClaim: 'm', policyClaim: 'p', limitsClaim: 'l', defaultModels: [], defaultPolicy: 'strict' });
    expect(r).toMatchObject({ ok: true, principal: { models: [], policy: 'strict', limits: {} } });
  });

  it('ignores unknown keys in the limits claim', () => {
    expect(principalFromClaims({ ...BASE, l: { rpm: 1, burst: 9 } }, { limitsClaim: 'l' })).toMatchObject({ principal: { limits: { rpm: 1 } } });
  });

  it.each([
    ['missing subject', { iss: 'x' }, {}],
    ['numeric subject', { iss: 'x', sub: 42 }, {}],
    ['empty subject', { iss: 'x', sub: '' }, {}],
    ['huge subject', { iss: 'x', sub: 'a'.repeat(1000) }, {}],
    ['policy not a string', { ...BASE, p: ['x'] }, { policyClaim: 'p' }],
    ['name not a string', { ...BASE, n: 1 }, { nameClaim: 'n' }],
    ['models of numbers', { ...BASE, m: [1, 2] }, { modelsClaim: 'm' }],
    ['models object', { ...BASE, m: { a: 1 } }, { modelsClaim: 'm' }],
    ['too many models', { ...BASE, m: Array.from({ length: 300 }, (_, i) => `m${i}`) }, { modelsClaim: 'm' }],
    ['limits array', { ...BASE, l: [1] }, { limitsClaim: 'l' }],
    ['fractional limit', { ...BASE, l: { tpm: 1.5 } }, { limitsClaim: 'l' }],
    ['zero limit', { ...BASE, l: { concurrency: 0 } }, { limitsClaim: 'l' }],
    ['string limit', { ...BASE, l: { rpm: '10' } }, { limitsClaim: 'l' }],
  ])('fails closed on %s', (_name, payload, mapping) => {
    expect(principalFromClaims(payload as JWTPayload, mapping).ok).toBe(false);
  });
});
