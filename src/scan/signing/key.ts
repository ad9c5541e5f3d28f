// Key material for model signatures with node:crypto: PEM/DER keys, the signature algorithm each key implies
// (ECDSA hash by curve as Sigstore's key details fix it), signing and verifying the DSSE PAE, the public-key hint.
import { constants, createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { BulwarkError } from '../../core/errors.js';
import { signatureError } from './manifest.js';

export interface KeyAlgorithm {
  /** Digest fed to the signature (null: Ed25519 signs the message itself). */
  hash: 'sha256' | 'sha384' | 'sha512' | null;
  /** Sigstore `PublicKeyDetails` name. */
  details: string;
  padding?: 'pss';
}

const CURVES: Record<string, KeyAlgorithm> = {
  prime256v1: { hash: 'sha256', details: 'PKIX_ECDSA_P256_SHA_256' },
  secp384r1: { hash: 'sha384', details: 'PKIX_ECDSA_P384_SHA_384' },
  secp521r1: { hash: 'sha512', details: 'PKIX_ECDSA_P521_SHA_512' },
};

/** The signature algorithm of a key; unsupported keys are ERR_SIGNATURE. */
export function keyAlgorithm(key: KeyObject): KeyAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
    const alg = CURVES[curve];
    if (!alg) throw signatureError(`unsupported elliptic curve ${curve || '(unknown)'}: use P-256, P-384 or P-521`);
    return alg;
  }
  if (type === 'ed25519') return { hash: null, details: 'PKIX_ED25519' };
  if (type === 'rsa' || type === 'rsa-pss') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw signatureError(`RSA keys of ${bits} bits are too weak: use 2048 bits or more`);
    const alg: KeyAlgorithm = { hash: 'sha256', details: `PKIX_RSA_${type === 'rsa-pss' ? 'PSS' : 'PKCS1V15'}_${bits}_SHA256` };
    if (type === 'rsa-pss') alg.padding = 'pss';
    return alg;
  }
  throw signatureError(`unsupported key type ${type ?? '(unknown)'}: use an EC (P-256, P-384, P-521), Ed25519 or RSA key`);
}

/** A PEM (or DER PKCS#8) private key; a wrong passphrase or garbage is ERR_CONFIG_INVALID. */
export function loadPrivateKey(data: Buffer, source: string, passphrase?: string): KeyObject {
  try {
    const pem = looksPem(data);
    const key = createPrivateKey(pem ? { key: data, format: 'pem', passphrase } : { key: data, format: 'der', type: 'pkcs8', passphrase });
    keyAlgorithm(key);
    return key;
  } catch (e) {
    if (e instanceof BulwarkError) throw new BulwarkError('ERR_CONFIG_INVALID', `${source}: ${e.message}`, { context: { path: source } });
    throw new BulwarkError('ERR_CONFIG_INVALID', `${source} is not a usable private key: ${(e as Error).message}`, { context: { path: source }, cause: e });
  }
}

/** A PEM or DER (SubjectPublicKeyInfo) public key. */
export function loadPublicKey(data: Buffer, source: string): KeyObject {
  try {
    const key = looksPem(data) ? createPublicKey({ key: data, format: 'pem' }) : createPublicKey({ key: data, format: 'der', type: 'spki' });
    keyAlgorithm(key);
    return key;
  } catch (e) {
    if (e instanceof BulwarkError) throw new BulwarkError('ERR_CONFIG_INVALID', `${source}: ${e.message}`, { context: { path: source } });
    throw new BulwarkError('ERR_CONFIG_INVALID', `${source} is not a usable public key: ${(e as Error).message}`, { context: { path: source }, cause: e });
  }
}

/** model-transparency's key hint: hex SHA-256 of the SubjectPublicKeyInfo PEM text. */
export function publicKeyHint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(pub.export({ type: 'spki', format: 'pem' })).digest('hex');
}

export function signData(key: KeyObject, data: Buffer): Buffer {
  const alg = keyAlgorithm(key);
  if (alg.padding === 'pss') return sign(alg.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
  return sign(alg.hash, data, { key, dsaEncoding: 'der' });
}

/** Verifies; ECDSA signatures are accepted in DER and, failing that, in raw r‖s form. */
export function verifyData(key: KeyObject, data: Buffer, signature: Buffer): boolean {
  const alg = keyAlgorithm(key);
  if (alg.padding === 'pss') {
    return attempt(() => verify(alg.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, signature));
  }
  if (attempt(() => verify(alg.hash, data, { key, dsaEncoding: 'der' }, signature))) return true;
  return key.asymmetricKeyType === 'ec' && attempt(() => verify(alg.hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature));
}

/** A malformed signature (bad DER, wrong length) is simply not a valid signature. */
function attempt(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}

function looksPem(data: Buffer): boolean {
  return data.subarray(0, 4096).toString('latin1').includes('-----BEGIN ');
}
