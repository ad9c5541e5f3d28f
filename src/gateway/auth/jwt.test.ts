import { createPrivateKey, type KeyObject } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportPKCS8, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwtVerifier, type JwtVerification, type JwtVerifierOptions } from './jwt.js';

const ISS = 'https://idp.example.com/';
const AUD = 'bulwark-gateway';
const T0 = 1_750_000_000_000;
const SEC = Math.floor(T0 / 1000);

interface Pair {
  publicKey: CryptoKey;
  privateKey: CryptoKey;
}

let rsa: Pair;
let rsaOther: Pair;
let ec: Pair;
let ed: Pair;
let rsaPem: string;

beforeAll(async () => {
  [rsa, rsaOther, ec, ed] = await Promise.all([
    generateKeyPair('RS256', { extractable: true }),
    generateKeyPair('RS256', { extractable: true }),
    generateKeyPair('ES256', { extractable: true }),
    generateKeyPair('EdDSA', { extractable: true }),
  ]);
  rsaPem = await exportSPKI(rsa.publicKey);
});

function clock(start = T0): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

function claims(extra: JWTPayload = {}): JWTPayload {
  return { iss: ISS, aud: AUD, sub: 'alice', iat: SEC, exp: SEC + 3600, ...extra };
}

async function sign(key: CryptoKey | KeyObject | Uint8Array, alg: string, payload: JWTPayload = claims(), kid?: string): Promise<string> {
  return new SignJWT(payload).setProtectedHeader(kid === undefined ? { alg, typ: 'JWT' } : { alg, typ: 'JWT', kid }).sign(key);
}

function b64url(s: string): string {
  return Buffer.from(s).toString('base64url');
}

function expectFailure(r: JwtVerification, reason: string): void {
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.reason).toBe(reason);
}

function staticVerifier(extra: Partial<JwtVerifierOptions> = {}, now = clock().now) {
  return createJwtVerifier({ issuer: ISS, audience: AUD, publicKey: rsaPem, now, ...extra });
}

describe('static RSA public key', () => {
  it('accepts a valid RS256 token and maps it to a principal', async () => {
    const v = staticVerifier();
    const r = await v.verify(await sign(rsa.privateKey, 'RS256'));
    expect(r).toMatchObject({ ok: true, cached: false, principal: { id: `jwt:${ISS}|alice`, kind: 'jwt', name: 'alice', models: ['*'] } });
  });

  it('serves the second verification of the same token from the cache', async () => {
    const v = staticVerifier();
    const token = await sign(rsa.privateKey, 'RS256');
    const first = await v.verify(token);
    const second = await v.verify(token);
    expect(second).toMatchObject({ ok: true, cached: true });
    if (first.ok && second.ok) expect(second.principal).toBe(first.principal);
    expect(v.cacheSize).toBe(1);
  });

  it('narrows the allowlist to what the key can verify', () => {
    expect(staticVerifier().algorithms).toEqual(['RS256']);
    expect(staticVerifier({ algorithms: ['RS256', 'PS256', 'ES256'] }).algorithms).toEqual(['RS256', 'PS256']);
  });

  it.each([
    ['empty', ''],
    ['garbage', 'not a token at all'],
    ['one part', 'abcdef'],
    ['two parts', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0'],
    ['four parts', 'a.b.c.d'],
    ['undecodable header', 'aaaa.bbbb.cccc'],
    ['1 MB header', `${'A'.repeat(1024 * 1024)}.eyJzdWIiOiJ4In0.c2ln`],
    ['lone surrogate', `eyJhbGciOiJSUzI1NiJ9.\ud800.sig`],
  ])('refuses a malformed token (%s)', async (_name, token) => {
    expectFailure(await staticVerifier().verify(token), 'malformed');
  });

  it('refuses a token with a valid structure whose header is not JSON', async () => {
    const token = `${b64url('{"alg":')}.${b64url(JSON.stringify(claims()))}.${b64url('x')}`;
    expectFailure(await staticVerifier().verify(token), 'malformed');
  });

  it('refuses an expired token, and accepts one expired within the skew', async () => {
    const v = staticVerifier({ clockSkewSeconds: 30 });
    expectFailure(await v.verify(await sign(rsa.privateKey, 'RS256', claims({ exp: SEC - 31 }))), 'expired');
    expect((await v.verify(await sign(rsa.privateKey, 'RS256', claims({ exp: SEC - 29 })))).ok).toBe(true);
  });

  it('refuses a token that is not yet valid, and accepts one within the skew', async () => {
    const v = staticVerifier({ clockSkewSeconds: 30 });
    expectFailure(await v.verify(await sign(rsa.privateKey, 'RS256', claims({ nbf: SEC + 31 }))), 'not_yet_valid');
    expect((await v.verify(await sign(rsa.privateKey, 'RS256', claims({ nbf: SEC + 29 })))).ok).toBe(true);
  });

  it('refuses a token without exp unless configured otherwise', async () => {
    const token = await sign(rsa.privateKey, 'RS256', claims({ exp: undefined }));
    expectFailure(await staticVerifier().verify(token), 'invalid_claims');
    expect((await staticVerifier({ requireExp: false }).verify(token)).ok).toBe(true);
  });

  it('matches the audience exactly (string or array containing it)', async () => {
    const v = staticVerifier();
    expectFailure(await v.verify(await sign(rsa.privateKey, 'RS256', claims({ aud: 'other' }))), 'bad_audience');
    expectFailure(await v.verify(await sign(rsa.privateKey, 'RS256', claims({ aud: 'Bulwark-Gateway' }))), 'bad_audience');
    expectFailure(await v.verify(await sign(rsa.privateKey, 'RS256', claims({ aud: `${AUD} ` }))), 'bad_audience');
    expectFailure(await v.verify(await sign(rsa.privateKey, 'RS256', claims({ aud: ['a', 'b'] }))), 'bad_audience');
    expectFailure(await v.verify(await sign(rsa.privateKey, 'RS256', claims({ aud: undefined }))), 'bad_audience');
    expect((await v.verify(await sign(rsa.privateKey, 'RS256', claims({ aud: ['other', AUD] })))).ok).toBe(true);
  });

  it('accepts any of several configured audiences', async () => {
    const v = staticVerifier({ audience: ['first', AUD] });
    expect((await v.verify(await sign(rsa.privateKey, 'RS256'))).ok).toBe(true);
  });

  it('matches the issuer exactly', async () => {
    const v = staticVerifier();
    expectFailure(await v.verify(await sign(rsa.privateKey, 'RS256', claims({ iss: 'https://idp.example.com' }))), 'bad_issuer');
    expectFailure(await v.verify(await sign(rsa.privateKey, 'RS256', claims({ iss: 'https://evil.example.com/' }))), 'bad_issuer');
    expectFailure(await v.verify(await sign(rsa.privateKey, 'RS256', claims({ iss: undefined }))), 'bad_issuer');
  });

  it('refuses alg none (hand-built token)', async () => {
    const none = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify(claims()))}.`;
    expectFailure(await staticVerifier().verify(none), 'alg_not_allowed');
    const noneWithSig = `${none}${b64url('sig')}`;
    expectFailure(await staticVerifier().verify(noneWithSig), 'alg_not_allowed');
  });

  it('refuses HS256 signed with the RSA public key PEM as the secret (algorithm confusion)', async () => {
    const forged = await sign(new TextEncoder().encode(rsaPem), 'HS256');
    expectFailure(await staticVerifier().verify(forged), 'alg_not_allowed');
    // Even with every asymmetric algorithm allowed, HS256 is not among them.
    expectFailure(await staticVerifier({ algorithms: ['RS256', 'RS384', 'RS512', 'PS256'] }).verify(forged), 'alg_not_allowed');
  });

  it('refuses a token signed by another key, and a tampered payload', async () => {
    const v = staticVerifier();
    expectFailure(await v.verify(await sign(rsaOther.privateKey, 'RS256')), 'bad_signature');
    const [h, , s] = (await sign(rsa.privateKey, 'RS256')).split('.');
    const tampered = `${h}.${b64url(JSON.stringify(claims({ sub: 'admin' })))}.${s}`;
    expectFailure(await v.verify(tampered), 'bad_signature');
  });

  it('refuses RS384 when only RS256 is allowed', async () => {
    // A KeyObject is not bound to one hash as the generated CryptoKey is.
    const keyObject = createPrivateKey(await exportPKCS8(rsa.privateKey));
    expectFailure(await staticVerifier().verify(await sign(keyObject, 'RS384')), 'alg_not_allowed');
    expect((await staticVerifier({ algorithms: ['RS256', 'RS384'] }).verify(await sign(keyObject, 'RS384'))).ok).toBe(true);
  });

  it('does not serve a cached verification past the token expiry', async () => {
    const c = clock();
    const v = staticVerifier({ clockSkewSeconds: 0 }, c.now);
    const token = await sign(rsa.privateKey, 'RS256', claims({ exp: SEC + 10 }));
    expect(await v.verify(token)).toMatchObject({ ok: true, cached: false });
    c.advance(5_000);
    expect(await v.verify(token)).toMatchObject({ ok: true, cached: true });
    c.advance(5_000);
    expectFailure(await v.verify(token), 'expired');
  });

  it('re-verifies after the cache ttl and bounds the cache size', async () => {
    const c = clock();
    const v = staticVerifier({ cache: { maxEntries: 2, ttlMs: 1_000 } }, c.now);
    const tokens = await Promise.all(['a', 'b', 'c'].map((sub) => sign(rsa.privateKey, 'RS256', claims({ sub }))));
    for (const t of tokens) await v.verify(t);
    expect(v.cacheSize).toBe(2);
    expect(await v.verify(tokens[2] as string)).toMatchObject({ cached: true });
    c.advance(1_000);
    expect(await v.verify(tokens[2] as string)).toMatchObject({ ok: true, cached: false });
  });

  it('does not cache when the cache is off, and never caches failures', async () => {
    const v = staticVerifier({ cache: false });
    const token = await sign(rsa.privateKey, 'RS256');
    await v.verify(token);
    expect(await v.verify(token)).toMatchObject({ ok: true, cached: false });
    const w = staticVerifier();
    await w.verify(await sign(rsaOther.privateKey, 'RS256'));
    expect(w.cacheSize).toBe(0);
  });

  it('maps policy, models and limits claims, and fails closed on malformed ones', async () => {
    const v = staticVerifier({ policyClaim: 'bulwark_policy', modelsClaim: 'models', limitsClaim: 'limits', nameClaim: 'email' });
    const ok = await v.verify(
      await sign(rsa.privateKey, 'RS256', claims({ bulwark_policy: 'strict', models: 'gpt-* llama-3', limits: { rpm: 10 }, email: 'a@x' })),
    );
    expect(ok).toMatchObject({ ok: true, principal: { name: 'a@x', policy: 'strict', models: ['gpt-*', 'llama-3'], limits: { rpm: 10 } } });
    expectFailure(await v.verify(await sign(rsa.privateKey, 'RS256', claims({ limits: { rpm: -1 } }))), 'invalid_claims');
    expectFailure(await v.verify(await sign(rsa.privateKey, 'RS256', claims({ models: [1] }))), 'invalid_claims');
    expectFailure(await v.verify(await sign(rsa.privateKey, 'RS256', claims({ sub: undefined }))), 'invalid_claims');
  });
});

describe('other key types', () => {
  it('verifies ES256 with a public JWK, and refuses an RS256 token there', async () => {
    const jwk = await exportJWK(ec.publicKey);
    const v = createJwtVerifier({ issuer: ISS, audience: AUD, publicKey: jwk, now: clock().now });
    expect(v.algorithms).toEqual(['ES256']);
    expect((await v.verify(await sign(ec.privateKey, 'ES256'))).ok).toBe(true);
    expectFailure(await v.verify(await sign(rsa.privateKey, 'RS256')), 'alg_not_allowed');
  });

  it('verifies HS256 with a configured secret and then accepts only HMAC', async () => {
    const secret = 'a-very-long-shared-secret-of-at-least-32-bytes';
    const v = createJwtVerifier({ issuer: ISS, audience: AUD, secret, now: clock().now });
    expect(v.algorithms).toEqual(['HS256']);
    expect((await v.verify(await sign(new TextEncoder().encode(secret), 'HS256'))).ok).toBe(true);
    expectFailure(await v.verify(await sign(new TextEncoder().encode('another-secret-that-is-long-enough!!'), 'HS256')), 'bad_signature');
    expectFailure(await v.verify(await sign(rsa.privateKey, 'RS256')), 'alg_not_allowed');
  });
});

// A local JWKS endpoint: serves `keys`, counts fetches, or hangs without answering.
interface JwksServer {
  url: string;
  keys: JWK[];
  mode: 'serve' | 'hang' | 'error';
  fetches: number;
  close(): Promise<void>;
}

async function startJwks(keys: JWK[]): Promise<JwksServer> {
  const hanging: ServerResponse[] = [];
  const state = { keys, mode: 'serve' as JwksServer['mode'], fetches: 0 };
  const server: Server = createServer((_req, res) => {
    state.fetches++;
    if (state.mode === 'hang') {
      hanging.push(res);
      return;
    }
    if (state.mode === 'error') {
      res.writeHead(500).end('boom');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/jwks.json`,
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  }) as JwksServer;
}

describe('remote JWKS', () => {
  let jwks: JwksServer;

  beforeAll(async () => {
    const rsaJwk = { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' };
    const edJwk = { ...(await exportJWK(ed.publicKey)), kid: 'ed-1', alg: 'EdDSA', use: 'sig' };
    jwks = await startJwks([rsaJwk, edJwk]);
  });
  afterAll(async () => jwks.close());

  function remote(extra: Partial<JwtVerifierOptions> = {}) {
    return createJwtVerifier({ issuer: ISS, audience: AUD, jwksUrl: jwks.url, now: clock().now, ...extra });
  }

  it('verifies RS256 and EdDSA tokens by kid and fetches the set once', async () => {
    jwks.mode = 'serve';
    const before = jwks.fetches;
    const v = remote();
    expect((await v.verify(await sign(rsa.privateKey, 'RS256', claims(), 'rsa-1'))).ok).toBe(true);
    expect((await v.verify(await sign(ed.privateKey, 'EdDSA', claims({ sub: 'bob' }), 'ed-1'))).ok).toBe(true);
    expect(jwks.fetches - before).toBe(1);
  });

  it('refuses a kid the key set does not have, without refetching inside the cooldown', async () => {
    jwks.mode = 'serve';
    const v = remote({ jwks: { cooldownMs: 60_000 } });
    expect((await v.verify(await sign(rsa.privateKey, 'RS256', claims(), 'rsa-1'))).ok).toBe(true);
    const before = jwks.fetches;
    for (let i = 0; i < 5; i++) {
      expectFailure(await v.verify(await sign(rsaOther.privateKey, 'RS256', claims({ sub: `x${i}` }), 'rotated-2')), 'unknown_key');
    }
    expect(jwks.fetches).toBe(before);
  });

  it('picks up a rotated key after the cooldown', async () => {
    jwks.mode = 'serve';
    const v = remote({ jwks: { cooldownMs: 0 } });
    expect((await v.verify(await sign(rsa.privateKey, 'RS256', claims(), 'rsa-1'))).ok).toBe(true);
    const rotated = { ...(await exportJWK(rsaOther.publicKey)), kid: 'rsa-2', alg: 'RS256' };
    const original = jwks.keys;
    jwks.keys = [...original, rotated];
    try {
      expect((await v.verify(await sign(rsaOther.privateKey, 'RS256', claims(), 'rsa-2'))).ok).toBe(true);
    } finally {
      jwks.keys = original;
    }
  });

  it('refuses HS256 signed with the RSA public key as secret, with the kid of that key', async () => {
    jwks.mode = 'serve';
    const forged = await sign(new TextEncoder().encode(rsaPem), 'HS256', claims(), 'rsa-1');
    expectFailure(await remote().verify(forged), 'alg_not_allowed');
  });

  it('fails cleanly when the JWKS endpoint answers 500', async () => {
    jwks.mode = 'error';
    try {
      expectFailure(await remote().verify(await sign(rsa.privateKey, 'RS256', claims(), 'rsa-1')), 'jwks_unavailable');
    } finally {
      jwks.mode = 'serve';
    }
  });

  it('fails cleanly within the timeout when the JWKS endpoint hangs', async () => {
    jwks.mode = 'hang';
    try {
      const started = Date.now();
      const r = await remote({ jwks: { timeoutMs: 300 } }).verify(await sign(rsa.privateKey, 'RS256', claims(), 'rsa-1'));
      expectFailure(r, 'jwks_unavailable');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      jwks.mode = 'serve';
    }
  });

  it('fails fast during an outage instead of waiting out the timeout on every request', async () => {
    jwks.mode = 'hang';
    try {
      const v = remote({ jwks: { timeoutMs: 300, failureCooldownMs: 60_000 } });
      const token = await sign(rsa.privateKey, 'RS256', claims(), 'rsa-1');
      expectFailure(await v.verify(token), 'jwks_unavailable');
      const fetches = jwks.fetches;
      expectFailure(await v.verify(token), 'jwks_unavailable');
      // No new fetch: the second request did not wait on the hanging endpoint.
      expect(jwks.fetches).toBe(fetches);
    } finally {
      jwks.mode = 'serve';
    }
  });

  it('fails cleanly when nothing listens on the JWKS port', async () => {
    const dead = await startJwks([]);
    const url = dead.url;
    await dead.close();
    const v = createJwtVerifier({ issuer: ISS, audience: AUD, jwksUrl: url, jwks: { timeoutMs: 1_000 }, now: clock().now });
    expectFailure(await v.verify(await sign(rsa.privateKey, 'RS256', claims(), 'rsa-1')), 'jwks_unavailable');
  });

  it('rejects malformed tokens without contacting the JWKS endpoint', async () => {
    const before = jwks.fetches;
    const v = remote();
    expectFailure(await v.verify('x.y'), 'malformed');
    expectFailure(await v.verify(`${'A'.repeat(1024 * 1024)}.e30.`), 'malformed');
    expect(jwks.fetches).toBe(before);
  });
});
