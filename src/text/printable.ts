// Decides whether decoded bytes are readable text (a hidden message) or binary (a hash, an id, random data).
import { isUtf8 } from 'node:buffer';
import { charClass, isLetterClass } from './scripts.js';

/** Fewer decoded characters than this are never reported: too short to carry an instruction, too easy to hit by chance. */
export const MIN_DECODED_CHARS = 6;

/**
 * The UTF-8 text in `bytes` when it reads as text: valid UTF-8 (a sequence cut at the very end is tolerated,
 * since callers may decode a prefix), no control characters but tab/newline/CR, no replacement or
 * private-use characters, and mostly letters, digits and spaces.
 */
export function bytesToText(bytes: Uint8Array): string | undefined {
  let usable = bytes;
  if (!isUtf8(usable)) {
    let repaired = false;
    for (let cut = 1; cut <= 3 && usable.length - cut > 0; cut++) {
      const shorter = bytes.subarray(0, bytes.length - cut);
      if (isUtf8(shorter)) {
        usable = shorter;
        repaired = true;
        break;
      }
    }
    if (!repaired) return undefined;
  }
  const text = Buffer.from(usable.buffer, usable.byteOffset, usable.byteLength).toString('utf8');
  return looksLikeText(text) ? text : undefined;
}

/** True when a decoded string is mostly letters, digits and spaces with no control characters. */
export function looksLikeText(text: string): boolean {
  if (text.length < MIN_DECODED_CHARS) return false;
  let wordish = 0;
  let letters = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c < 0x20) {
        if (c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
        wordish++;
      } else if (c === 0x7f) {
        return false;
      } else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) {
        wordish++;
        letters++;
      } else if (c === 0x20 || (c >= 0x30 && c <= 0x39)) {
        wordish++;
      }
      continue;
    }
    // Surrogates come in valid pairs here (the bytes were valid UTF-8): emoji and the like, neither good nor bad.
    if (c <= 0x9f || c === 0xfffd || (c >= 0xe000 && c <= 0xf8ff)) return false;
    if (c >= 0xd800 && c <= 0xdfff) continue;
    if (isLetterClass(charClass(c))) {
      wordish++;
      letters++;
    }
  }
  return letters >= 3 && wordish >= text.length * 0.6;
}
