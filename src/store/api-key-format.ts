// The API key format `bwk_<id>_<secret>`: generation from crypto randomness, parsing without regex backtracking,
// hashing, and the non-secret display prefix.
import { hash, randomBytes } from 'node:crypto';

export const KEY_SCHEME = 'bwk';
const KEY_START = `${KEY_SCHEME}_`;
/** 16 base62 characters (~95 bits): unique without coordination, not secret. */
export const KEY_ID_LENGTH = 16;
/** 43 base62 characters carry 256 bits of randomness. */
export const KEY_SECRET_LENGTH = 43;
/** `bwk_` + id + `_` + secret. */
export const KEY_LENGTH = KEY_SCHEME.length + 1 + KEY_ID_LENGTH + 1 + KEY_SECRET_LENGTH;
/** Secret characters shown in the display prefix (leaves 232 bits unknown). */
export const PREFIX_SECRET_CHARS = 4;
export const HASH_ALG = 'sha256';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Largest multiple of 62 that fits a byte: bytes at or above it are rejected so that every character is equally likely. */
const UNBIASED_LIMIT = 248;

/** `n` uniformly random base62 characters. */
export function randomBase62(n: number): string {
  let out = '';
  while (out.length < n) {
    for (const byte of randomBytes(n + 8)) {
      if (byte >= UNBIASED_LIMIT) continue;
      out += BASE62.charAt(byte % 62);
      if (out.length === n) break;
    }
  }
  return out;
}

export interface NewKeyMaterial {
  id: string;
  /** The plaintext key: shown once, never stored. */
  key: string;
  prefix: string;
  hash: string;
}

export function generateKey(): NewKeyMaterial {
  const id = randomBase62(KEY_ID_LENGTH);
  const secret = randomBase62(KEY_SECRET_LENGTH);
  const key = `${KEY_SCHEME}_${id}_${secret}`;
  return { id, key, prefix: displayPrefix(key), hash: hashKey(key).toString('hex') };
}

/** The key is hashed whole, binding id and secret. A fast hash suffices: 256 random bits cannot be guessed offline. */
export function hashKey(key: string): Buffer {
  return hash(HASH_ALG, key, 'buffer');
}

export function displayPrefix(key: string): string {
  return `${key.slice(0, KEY_SCHEME.length + 2 + KEY_ID_LENGTH + PREFIX_SECRET_CHARS)}…`;
}

/**
 * The id of a well-formed key, or undefined. Checks length first (a 1 MB header costs nothing) and then each
 * character code: no regex, no allocation besides the id.
 */
export function parseKeyId(presented: string): string | undefined {
  if (presented.length !== KEY_LENGTH) return undefined;
  const idStart = KEY_SCHEME.length + 1;
  const secretStart = idStart + KEY_ID_LENGTH + 1;
  if (!presented.startsWith(KEY_START) || presented.charCodeAt(secretStart - 1) !== 0x5f) return undefined;
  for (let i = idStart; i < KEY_LENGTH; i++) {
    if (i === secretStart - 1) continue;
    if (!isBase62(presented.charCodeAt(i))) return undefined;
  }
  return presented.slice(idStart, idStart + KEY_ID_LENGTH);
}

function isBase62(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}
