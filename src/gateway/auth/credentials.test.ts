import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyToken, extractCredential, hasQueryCredential, MAX_CREDENTIAL_LENGTH } from './credentials.js';

const KEY = 'bwk_0123456789abcdef_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

describe('classifyToken', () => {
  it.each([
    [KEY, 'api-key'],
    [JWT, 'jwt'],
    ['eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'jwt'],
    ['bwk_', undefined],
    ['bwk_abc.def', undefined],
    ['sk-proj-abcdef', undefined],
    ['a.b', undefined],
    ['a.b.c.d', undefined],
    ['', undefined],
  ])('%s → %s', (token, kind) => {
    expect(classifyToken(token)).toBe(kind);
  });

  it('refuses over-long tokens', () => {
    expect(classifyToken(`${'a'.repeat(MAX_CREDENTIAL_LENGTH)}.b.c`)).toBeUndefined();
  });
});

describe('extractCredential', () => {
  it('reads a bearer API key and a bearer JWT', () => {
    expect(extractCredential({ authorization: `Bearer ${KEY}` })).toEqual({
      ok: true,
      credential: { kind: 'api-key', value: KEY, source: 'authorization' },
    });
    expect(extractCredential({ authorization: `bearer  ${JWT}` })).toMatchObject({ ok: true, credential: { kind: 'jwt', value: JWT } });
  });

  it('reads the Azure-style api-key header', () => {
    expect(extractCredential({ 'api-key': KEY })).toMatchObject({ ok: true, credential: { kind: 'api-key', source: 'api-key' } });
  });

  it('accepts both headers when they agree and refuses them when they differ', () => {
    expect(extractCredential({ authorization: `Bearer ${KEY}`, 'api-key': KEY }).ok).toBe(true);
    expect(extractCredential({ authorization: `Bearer ${KEY}`, 'api-key': JWT })).toMatchObject({ ok: false, reason: 'conflicting' });
  });

  it('says missing when no credential header is present', () => {
    expect(extractCredential({})).toMatchObject({ ok: false, reason: 'missing' });
    expect(extractCredential({ 'x-other': 'y' }, '/v1/models')).toMatchObject({ ok: false, reason: 'missing' });
  });

  it.each([
    ['Basic scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['scheme only', { authorization: 'Bearer' }],
    ['empty token', { authorization: 'Bearer ' }],
    ['empty header', { authorization: '' }],
    ['empty api-key', { 'api-key': '  ' }],
    ['foreign key', { authorization: 'Bearer sk-abcdef0123456789' }],
    ['spaces inside', { authorization: `Bearer ${KEY} extra` }],
    ['non-ASCII', { authorization: 'Bearer bwk_ключ' }],
    ['repeated api-key', { 'api-key': [KEY, KEY] }],
    ['1 MB header', { authorization: `Bearer ${'A'.repeat(1024 * 1024)}` }],
    ['1 MB api-key', { 'api-key': `bwk_${'A'.repeat(1024 * 1024)}` }],
    ['lone surrogate', { authorization: 'Bearer bwk_\ud800' }],
  ])('says malformed for %s', (_name, headers) => {
    expect(extractCredential(headers)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('refuses credentials in the query string even with a valid header', () => {
    for (const q of ['api_key=x', 'api-key=x', 'access_token=x', 'key=x', 'token=x', 'API_KEY=x', 'a=1&apiKey=x', 'api%5Fkey=x']) {
      expect(extractCredential({ authorization: `Bearer ${KEY}` }, `/v1/chat/completions?${q}`)).toMatchObject({
        ok: false,
        reason: 'credential_in_query',
      });
    }
  });

  it('lets ordinary query parameters through', () => {
    expect(extractCredential({ authorization: `Bearer ${KEY}` }, '/v1/models?limit=10&after=x').ok).toBe(true);
    expect(hasQueryCredential('/v1/models?')).toBe(false);
    expect(hasQueryCredential('/v1/models#key=x')).toBe(false);
    expect(hasQueryCredential(undefined)).toBe(false);
  });

  it('never puts the credential into a failure detail', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 200 }), fc.constantFrom('authorization', 'api-key'), (value, header) => {
        const r = extractCredential({ [header]: header === 'authorization' ? `Bearer ${value}` : value });
        if (!r.ok) expect(r.detail).not.toContain(value);
      }),
    );
  });
});
