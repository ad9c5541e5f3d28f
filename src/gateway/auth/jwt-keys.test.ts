import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BulwarkError } from '../../core/errors.js';
import { algorithmsForKey, importPublicKey, resolveKeySource, type KeySourceConfig } from './jwt-keys.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ecPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const edJwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
const SECRET = 'x'.repeat(32);

function configError(config: KeySourceConfig): string {
  try {
    resolveKeySource(config);
  } catch (e) {
    expect(e).toBeInstanceOf(BulwarkError);
    expect((e as BulwarkError).code).toBe('ERR_CONFIG_INVALID');
    return (e as BulwarkError).message;
  }
  throw new Error('expected ERR_CONFIG_INVALID');
}

describe('resolveKeySource', () => {
  it('needs exactly one key source', () => {
    expect(configError({})).toMatch(/exactly one/);
    expect(configError({ publicKey: rsaPem, secret: SECRET })).toMatch(/exactly one/);
    expect(configError({ publicKey: rsaPem, jwksUrl: 'https://idp/jwks' })).toMatch(/exactly one/);
  });

  it('never accepts none', () => {
    expect(configError({ publicKey: rsaPem, algorithms: ['RS256', 'none'] })).toMatch(/none/);
    expect(configError({ secret: SECRET, algorithms: ['NONE'] })).toMatch(/none/);
  });

  it('keeps HMAC and public keys apart', () => {
    expect(configError({ publicKey: rsaPem, algorithms: ['RS256', 'HS256'] })).toMatch(/needs a secret/);
    expect(configError({ jwksUrl: 'https://idp.example.com/jwks', algorithms: ['HS256'] })).toMatch(/needs a secret/);
    expect(configError({ secret: SECRET, algorithms: ['HS256', 'RS256'] })).toMatch(/only HS/);
  });

  it('requires a secret as long as the hash', () => {
    expect(configError({ secret: 'short' })).toMatch(/at least 32 bytes/);
    expect(configError({ secret: SECRET, algorithms: ['HS512'] })).toMatch(/at least 64 bytes/);
    expect(resolveKeySource({ secret: SECRET })).toMatchObject({ kind: 'static', algorithms: ['HS256'] });
  });

  it('refuses unknown algorithms and an empty list', () => {
    expect(configError({ publicKey: rsaPem, algorithms: ['RS1'] })).toMatch(/unknown algorithm/);
    expect(configError({ publicKey: rsaPem, algorithms: [] })).toMatch(/empty/);
  });

  it('refuses a key that verifies none of the allowed algorithms', () => {
    expect(configError({ publicKey: ecPem, algorithms: ['RS256'] })).toMatch(/verifies none/);
  });

  it('requires https for a remote JWKS, except on loopback', () => {
    expect(configError({ jwksUrl: 'http://idp.example.com/jwks' })).toMatch(/https/);
    expect(configError({ jwksUrl: 'not a url' })).toMatch(/not a URL/);
    expect(resolveKeySource({ jwksUrl: 'http://127.0.0.1:1/jwks' }).kind).toBe('jwks');
    expect(resolveKeySource({ jwksUrl: 'https://idp.example.com/jwks' }).algorithms).toEqual(['RS256', 'ES256', 'EdDSA']);
  });
});

describe('importPublicKey', () => {
  it('reads PEM, JWK objects and JWK JSON', () => {
    expect(importPublicKey(rsaPem).asymmetricKeyType).toBe('rsa');
    expect(importPublicKey(edJwk).asymmetricKeyType).toBe('ed25519');
    expect(importPublicKey(JSON.stringify(edJwk)).asymmetricKeyType).toBe('ed25519');
  });

  it('refuses private keys, symmetric JWKs and garbage', () => {
    const privatePem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => importPublicKey(privatePem)).toThrow(/private key/);
    expect(() => importPublicKey(rsa.privateKey.export({ format: 'jwk' }))).toThrow(/private key/);
    expect(() => importPublicKey({ kty: 'oct', k: 'c2VjcmV0' })).toThrow(/symmetric/);
    expect(() => importPublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')).toThrow(BulwarkError);
    expect(() => importPublicKey('garbage')).toThrow(/neither PEM nor JSON/);
  });
});

describe('algorithmsForKey', () => {
  it('maps key types and curves', () => {
    expect(algorithmsForKey(importPublicKey(rsaPem))).toContain('PS256');
    expect(algorithmsForKey(importPublicKey(ecPem))).toEqual(['ES256']);
    expect(algorithmsForKey(importPublicKey(edJwk))).toEqual(['EdDSA', 'Ed25519']);
  });

  it('refuses RSA keys under 2048 bits', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    expect(() => algorithmsForKey(weak)).toThrow(/2048/);
  });
});
