// Checksums that some token formats carry (GitHub/npm CRC32 in base62, age Bech32), so valid tokens score higher.

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3) of a string whose characters are all single bytes (token alphabets are ASCII). */
export function crc32(s: string): number {
  let c = -1;
  for (let i = 0; i < s.length; i++) c = CRC_TABLE[(c ^ s.charCodeAt(i)) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Unsigned integer in "0-9A-Za-z" base62, left-padded with '0' to `width`. */
export function base62(n: number, width: number): string {
  let out = '';
  let v = n >>> 0;
  while (v > 0) {
    out = BASE62[v % 62]! + out;
    v = Math.floor(v / 62);
  }
  return out.padStart(width, '0');
}

/**
 * GitHub (2021 format) and npm tokens: `prefix` + 30 random base62 chars + 6-char base62 CRC32 of those 30 chars.
 * Source: github.blog "Behind GitHub's new authentication token formats" (2021-04-05).
 */
export function hasBase62Crc32(body: string): boolean {
  if (body.length < 7) return false;
  const payload = body.slice(0, -6);
  return base62(crc32(payload), 6) === body.slice(-6);
}

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

/** BIP-173 Bech32 checksum check (case-insensitive, as age keys are upper-case). */
export function isValidBech32(s: string): boolean {
  const lower = s.toLowerCase();
  const sep = lower.lastIndexOf('1');
  if (sep < 1 || sep + 7 > lower.length || lower.length > 200) return false;
  let chk = 1;
  const step = (v: number): void => {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= BECH32_GEN[i]!;
  };
  for (let i = 0; i < sep; i++) step(lower.charCodeAt(i) >> 5);
  step(0);
  for (let i = 0; i < sep; i++) step(lower.charCodeAt(i) & 31);
  for (let i = sep + 1; i < lower.length; i++) {
    const d = BECH32.indexOf(lower[i]!);
    if (d < 0) return false;
    step(d);
  }
  return chk === 1;
}
