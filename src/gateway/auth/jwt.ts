// JWT bearer verification (OIDC access tokens) with jose: exact iss and aud, exp/nbf with a small skew, an
// algorithm allowlist that never mixes HMAC with public keys, and a short verification cache for the hot path.
import { hash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { BulwarkError } from '../../core/errors.js';
import { MAX_CREDENTIAL_LENGTH, classifyToken } from './credentials.js';
import { ExpiringLru } from './expiring-lru.js';
import { principalFromClaims, type ClaimMapping } from './jwt-claims.js';
import { resolveKeySource, type JwtAlgorithm, type KeySource, type KeySourceConfig } from './jwt-keys.js';
import type { Principal } from './principal.js';

export type JwtFailureReason =
  | 'malformed'
  | 'expired'
  | 'not_yet_valid'
  | 'bad_audience'
  | 'bad_issuer'
  | 'bad_signature'
  | 'alg_not_allowed'
  | 'unknown_key'
  | 'invalid_claims'
  | 'jwks_unavailable';

export type JwtVerification =
  | { readonly ok: true; readonly principal: Principal; readonly cached: boolean }
  | { readonly ok: false; readonly reason: JwtFailureReason; readonly detail: string };

export interface JwtCacheOptions {
  /** Most verified tokens remembered (default 10,000). */
  maxEntries?: number;
  /** How long a verification is reused (default 60 s); never past the token's `exp`. */
  ttlMs?: number;
}

export interface JwtVerifierOptions extends KeySourceConfig, ClaimMapping {
  /** Expected `iss`, compared exactly. */
  issuer: string;
  /** Expected `aud`: the token's aud (string or array) must contain one of these exactly. */
  audience: string | readonly string[];
  /** Leeway for exp and nbf (default 30 s). */
  clockSkewSeconds?: number;
  /** Refuse tokens without `exp` (default true): a token that never expires cannot be contained once leaked. */
  requireExp?: boolean;
  /** Longer tokens are refused unparsed (default 8192). */
  maxTokenLength?: number;
  /** Verification cache; `false` turns it off. */
  cache?: JwtCacheOptions | false;
  /** Clock in ms since the epoch (tests). */
  now?: () => number;
}

export interface JwtVerifier {
  verify(token: string): Promise<JwtVerification>;
  /** Algorithms this verifier accepts (the allowlist narrowed to what the key can verify). */
  readonly algorithms: readonly JwtAlgorithm[];
  readonly keySource: KeySource['kind'];
  readonly cacheSize: number;
  clearCache(): void;
}

/** Marks failures of the JWKS endpoint itself, as opposed to a token naming a key the endpoint does not have. */
class JwksUnavailable extends Error {}

function fail(reason: JwtFailureReason, detail: string): JwtVerification {
  return { ok: false, reason, detail };
}

function classifyError(e: unknown): JwtVerification {
  if (e instanceof JwksUnavailable) return fail('jwks_unavailable', e.message);
  if (e instanceof errors.JWTExpired) return fail('expired', 'token expired');
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'nbf') return fail('not_yet_valid', 'token not yet valid');
    if (e.claim === 'aud') return fail('bad_audience', 'audience mismatch');
    if (e.claim === 'iss') return fail('bad_issuer', 'issuer mismatch');
    return fail('invalid_claims', `claim ${e.claim}: ${e.reason}`);
  }
  if (e instanceof errors.JOSEAlgNotAllowed || e instanceof errors.JOSENotSupported) return fail('alg_not_allowed', 'algorithm not allowed');
  if (e instanceof errors.JWSSignatureVerificationFailed) return fail('bad_signature', 'signature verification failed');
  if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys) return fail('unknown_key', 'no unique key for the token');
  if (e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid) return fail('malformed', 'token structure invalid');
  // jose raises TypeError for keys unusable with the header's algorithm; a token must never get past that.
  return fail('malformed', 'token could not be verified');
}

type VerifyKey = KeyObject | Uint8Array | JWTVerifyGetKey;

/** The key argument for jose: a static key as is; a remote set behind a guard that tells outages from bad kids. */
function verifyKey(source: KeySource): VerifyKey {
  if (source.kind !== 'jwks') return source.key;
  const remote = source.key;
  let failedAt = -Infinity;
  return async (header, token) => {
    // While the endpoint is known to be down, a request that would have to fetch fails now, not after the timeout.
    if (!remote.fresh && Date.now() - failedAt < source.failureCooldownMs) throw new JwksUnavailable('JWKS endpoint recently failed');
    try {
      return await remote(header, token);
    } catch (e) {
      // "This token names a key the IdP never had" is the token's fault (401), not an outage (503).
      if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys) throw e;
      if (e instanceof errors.JOSENotSupported || e instanceof errors.JOSEAlgNotAllowed) throw e;
      failedAt = Date.now();
      const what = e instanceof errors.JWKSTimeout ? 'JWKS fetch timed out' : 'JWKS could not be fetched';
      throw new JwksUnavailable(what, { cause: e });
    }
  };
}

function tokenKey(token: string): string {
  // A digest keeps tokens (credentials) out of the cache's memory and bounds the key size.
  return hash('sha256', token, 'base64');
}

/** Builds a verifier; configuration mistakes throw ERR_CONFIG_INVALID here, never at request time. */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  if (typeof options.issuer !== 'string' || options.issuer.length === 0) {
    throw new BulwarkError('ERR_CONFIG_INVALID', 'jwt: issuer is required');
  }
  const audience = typeof options.audience === 'string' ? [options.audience] : [...options.audience];
  if (audience.length === 0 || audience.some((a) => typeof a !== 'string' || a.length === 0)) {
    throw new BulwarkError('ERR_CONFIG_INVALID', 'jwt: audience is required');
  }
  const skew = options.clockSkewSeconds ?? 30;
  if (!Number.isFinite(skew) || skew < 0 || skew > 600) throw new BulwarkError('ERR_CONFIG_INVALID', 'jwt: clockSkewSeconds must be 0..600');

  const source = resolveKeySource(options);
  const key = verifyKey(source);
  const now = options.now ?? Date.now;
  const maxLength = Math.min(options.maxTokenLength ?? MAX_CREDENTIAL_LENGTH, MAX_CREDENTIAL_LENGTH);
  const cacheOptions = options.cache === false ? undefined : (options.cache ?? {});
  const cache = cacheOptions === undefined ? undefined : new ExpiringLru<Principal>(cacheOptions.maxEntries ?? 10_000);
  const ttlMs = cacheOptions?.ttlMs ?? 60_000;
  const baseOptions: JWTVerifyOptions = {
    algorithms: [...source.algorithms],
    issuer: options.issuer,
    audience,
    clockTolerance: skew,
    requiredClaims: options.requireExp === false ? [] : ['exp'],
  };

  async function verifyUncached(token: string, at: number): Promise<JwtVerification & { payload?: JWTPayload }> {
    let payload: JWTPayload;
    try {
      const opts: JWTVerifyOptions = { ...baseOptions, currentDate: new Date(at) };
      // Two call sites keep jose's overloads (static key vs key-resolving function) apart for the type checker.
      const result = typeof key === 'function' ? await jwtVerify(token, key, opts) : await jwtVerify(token, key, opts);
      payload = result.payload;
    } catch (e) {
      return classifyError(e);
    }
    const claims = principalFromClaims(payload, options);
    if (!claims.ok) return fail('invalid_claims', claims.detail);
    return { ok: true, principal: claims.principal, cached: false, payload };
  }

  return {
    algorithms: source.algorithms,
    keySource: source.kind,
    get cacheSize() {
      return cache?.size ?? 0;
    },
    clearCache() {
      cache?.clear();
    },
    async verify(token: string): Promise<JwtVerification> {
      if (typeof token !== 'string' || token.length === 0) return fail('malformed', 'empty token');
      if (token.length > maxLength) return fail('malformed', `token longer than ${maxLength} characters`);
      if (classifyToken(token) !== 'jwt') return fail('malformed', 'not a compact JWT');
      const at = now();
      const cacheKey = cache === undefined ? '' : tokenKey(token);
      if (cache !== undefined) {
        const hit = cache.get(cacheKey, at);
        if (hit !== undefined) return { ok: true, principal: hit, cached: true };
      }
      const result = await verifyUncached(token, at);
      if (!result.ok) return result;
      if (cache !== undefined) {
        const exp = result.payload?.exp;
        const until = typeof exp === 'number' ? Math.min(at + ttlMs, exp * 1000) : at + ttlMs;
        cache.set(cacheKey, result.principal, until, at);
      }
      return { ok: true, principal: result.principal, cached: false };
    },
  };
}
