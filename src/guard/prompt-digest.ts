// What an event keeps of a prompt. By default no raw text: a SHA-256 of the request's texts (to correlate repeats
// of one attack across principals without storing it), their length, and a short excerpt of the last text with
// digits, e-mail addresses and token-like runs masked. The full text only when the policy sets logPromptText.
import { createHash } from 'node:crypto';

export const EXCERPT_CHARS = 120;

export interface PromptDigest {
  /** `sha256:<hex>` of the texts joined by newlines. */
  sha256: string;
  chars: number;
  /** Start of the last text, masked. */
  excerpt: string;
  /** The texts, unmasked; present only when the policy asks for prompt text. */
  text?: string;
}

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/g;
// Runs of 16+ key-like characters: API keys, tokens, hashes, base64 blobs.
const TOKEN = /[A-Za-z0-9+/=_-]{16,}/g;
const DIGIT = /\p{Nd}/gu;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Masks what could identify a person or carry a secret in a short excerpt; the excerpt is cut first. */
export function maskExcerpt(text: string, max = EXCERPT_CHARS): string {
  // Cut with room: a masked token can straddle the cut, so mask a slightly longer slice, then cut again.
  const slice = text.slice(0, max + 64);
  // The e-mail pattern backtracks over every start position: run it only when there is an @ at all.
  const noEmail = slice.includes('@') ? slice.replace(EMAIL, '[email]') : slice;
  const masked = noEmail.replace(TOKEN, '[token]').replace(DIGIT, '#').replace(CONTROL, ' ');
  return masked.length > max ? `${masked.slice(0, max)}…` : masked;
}

export function promptDigest(texts: readonly string[], keepText: boolean): PromptDigest | undefined {
  if (texts.length === 0) return undefined;
  const hash = createHash('sha256');
  let chars = 0;
  for (let i = 0; i < texts.length; i++) {
    if (i > 0) hash.update('\n');
    hash.update(texts[i]!);
    chars += texts[i]!.length;
  }
  const digest: PromptDigest = { sha256: `sha256:${hash.digest('hex')}`, chars, excerpt: maskExcerpt(texts[texts.length - 1]!) };
  if (keepText) digest.text = texts.join('\n');
  return digest;
}
