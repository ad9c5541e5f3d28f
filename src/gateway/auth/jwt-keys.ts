// Where JWT verification keys come from (static public key, HMAC secret, or a remote JWKS) and which algorithms
// each may verify: the algorithm-confusion defence lives here, checked once at configuration time.
import { createPublicKey, X509Certificate, type JsonWebKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, type RemoteJWKSet } from 'jose';
import { BulwarkError } from '../../core/errors.js';

export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export type JwtAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number] | (typeof HMAC_ALGORITHMS)[number];
export const DEFAULT_ALGORITHMS: readonly JwtAlgorithm[] = ['RS256', 'ES256', 'EdDSA'];

const ASYMMETRIC = new Set<string>(ASYMMETRIC_ALGORITHMS);
const HMAC = new Set<string>(HMAC_ALGORITHMS);
/** RFC 7518 §3.2: an HMAC key at least as long as the hash output. */
const HMAC_MIN_BYTES: Record<string, number> = { HS256: 32, HS384: 48, HS512: 64 };
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export interface JwksOptions {
  /** Abort a JWKS fetch after this long (ms); requests waiting on it fail as `jwks_unavailable`. */
  timeoutMs?: number;
  /** After an unknown `kid` triggered a refetch, the next refetch waits this long (ms). */
  cooldownMs?: number;
  /** A fetched key set is used for this long (ms) before it is fetched again. */
  cacheMaxAgeMs?: number;
  /**
   * After a failed fetch, requests that would need a fetch fail at once for this long (ms) instead of each
   * waiting out timeoutMs against an endpoint that is down. Default 5 s.
   */
  failureCooldownMs?: number;
}

export interface KeySourceConfig {
  jwksUrl?: string | URL;
  /** PEM public key (SPKI), PEM certificate, or a public JWK (object or JSON string). */
  publicKey?: string | JsonWebKey;
  /** HMAC secret: only with HS* algorithms, at least as long as the hash (32 bytes for HS256). */
  secret?: string | Uint8Array;
  algorithms?: readonly string[];
  jwks?: JwksOptions;
}

/** A resolved key source: what to hand to jose, and the algorithms the key may verify. */
export type KeySource =
  | {
      readonly kind: 'jwks';
      readonly key: RemoteJWKSet;
      readonly algorithms: readonly JwtAlgorithm[];
      readonly failureCooldownMs: number;
    }
  | { readonly kind: 'static'; readonly key: KeyObject | Uint8Array; readonly algorithms: readonly JwtAlgorithm[] };

function configError(message: string): BulwarkError {
  return new BulwarkError('ERR_CONFIG_INVALID', `jwt: ${message}`, { context: { section: 'auth.jwt' } });
}

/** Algorithms a public key can verify, by its type (and curve); an RSA key must have at least 2048 bits. */
export function algorithmsForKey(key: KeyObject): readonly JwtAlgorithm[] {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      if ((details.modulusLength ?? 0) < 2048) throw configError('RSA keys must have at least 2048 bits');
      return key.asymmetricKeyType === 'rsa' ? ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] : ['PS256', 'PS384', 'PS512'];
    case 'ec':
      if (details.namedCurve === 'prime256v1') return ['ES256'];
      if (details.namedCurve === 'secp384r1') return ['ES384'];
      if (details.namedCurve === 'secp521r1') return ['ES512'];
      throw configError(`unsupported EC curve ${String(details.namedCurve)}`);
    case 'ed25519':
      return ['EdDSA', 'Ed25519'];
    default:
      throw configError(`unsupported key type ${String(key.asymmetricKeyType)}`);
  }
}

function parseJwk(input: string | JsonWebKey): JsonWebKey {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input) as JsonWebKey;
  } catch {
    throw configError('publicKey is neither PEM nor JSON (JWK)');
  }
}

/** A public KeyObject from PEM (SPKI or certificate) or a public JWK. Private and symmetric keys are refused. */
export function importPublicKey(input: string | JsonWebKey): KeyObject {
  if (typeof input === 'string' && input.includes('-----BEGIN ')) {
    if (input.includes('PRIVATE KEY')) throw configError('publicKey holds a private key; configure the public key only');
    try {
      return input.includes('BEGIN CERTIFICATE') ? new X509Certificate(input).publicKey : createPublicKey(input);
    } catch (e) {
      throw configError(`publicKey could not be read: ${(e as Error).message}`);
    }
  }
  const jwk = parseJwk(input);
  if (typeof jwk !== 'object' || jwk === null) throw configError('publicKey JWK must be an object');
  if (jwk.kty === 'oct') throw configError('publicKey is a symmetric (oct) key; use secret with HS* algorithms instead');
  if ('d' in jwk) throw configError('publicKey JWK holds a private key; configure the public key only');
  try {
    return createPublicKey({ key: jwk, format: 'jwk' });
  } catch (e) {
    throw configError(`publicKey JWK could not be read: ${(e as Error).message}`);
  }
}

function checkJwksUrl(raw: string | URL): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw configError('jwksUrl is not a URL');
  }
  if (url.protocol === 'https:') return url;
  // Keys fetched over plain http could be swapped in transit; loopback (tests, a sidecar IdP) is the exception.
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return url;
  throw configError('jwksUrl must be https:// (http:// only to a loopback host)');
}

function checkAlgorithms(raw: readonly string[], secret: boolean): JwtAlgorithm[] {
  if (raw.length === 0) throw configError('algorithms must not be empty');
  for (const a of raw) {
    if (a.toLowerCase() === 'none') throw configError('algorithm "none" is never accepted');
    if (!ASYMMETRIC.has(a) && !HMAC.has(a)) throw configError(`unknown algorithm ${a}`);
    // Mixing families is how RS256/HS256 confusion happens: a verifier that takes both can be handed an HS256
    // token whose "secret" is the public key.
    if (secret && !HMAC.has(a)) throw configError(`with a secret only HS256/HS384/HS512 are allowed, not ${a}`);
    if (!secret && HMAC.has(a)) throw configError(`${a} needs a secret; public keys verify asymmetric algorithms only`);
  }
  return [...new Set(raw)] as JwtAlgorithm[];
}

/** Validates the key configuration and prepares the key source. Throws ERR_CONFIG_INVALID. */
export function resolveKeySource(config: KeySourceConfig): KeySource {
  const given = [config.jwksUrl, config.publicKey, config.secret].filter((v) => v !== undefined).length;
  if (given !== 1) throw configError('give exactly one of jwksUrl, publicKey or secret');

  if (config.secret !== undefined) {
    const algorithms = checkAlgorithms(config.algorithms ?? ['HS256'], true);
    const key = typeof config.secret === 'string' ? new TextEncoder().encode(config.secret) : Uint8Array.from(config.secret);
    const need = Math.max(...algorithms.map((a) => HMAC_MIN_BYTES[a] ?? 64));
    if (key.byteLength < need) throw configError(`secret must be at least ${need} bytes for ${algorithms.join(', ')}`);
    return { kind: 'static', key, algorithms };
  }

  const allowed = checkAlgorithms(config.algorithms ?? DEFAULT_ALGORITHMS, false);
  if (config.publicKey !== undefined) {
    const key = importPublicKey(config.publicKey);
    const usable = new Set(algorithmsForKey(key));
    const algorithms = allowed.filter((a) => usable.has(a));
    if (algorithms.length === 0) {
      throw configError(`a ${String(key.asymmetricKeyType)} key verifies none of the allowed algorithms (${allowed.join(', ')})`);
    }
    return { kind: 'static', key, algorithms };
  }

  const url = checkJwksUrl(config.jwksUrl as string | URL);
  const jwks = config.jwks ?? {};
  const key = createRemoteJWKSet(url, {
    timeoutDuration: jwks.timeoutMs ?? 3_000,
    cooldownDuration: jwks.cooldownMs ?? 30_000,
    cacheMaxAge: jwks.cacheMaxAgeMs ?? 600_000,
  });
  return { kind: 'jwks', key, algorithms: allowed, failureCooldownMs: jwks.failureCooldownMs ?? 5_000 };
}
