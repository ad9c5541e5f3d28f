// What an event keeps of a prompt. By default no raw text: a SHA-256 of the request's texts (to correlate repeats
// of one attack across principals without storing it), their length, and a short excerpt of the last text with
// digits, e-mail addresses and token-like runs masked. The full text only when the policy sets logPromptText.
import { hash } from 'node:crypto';

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
// Runs of 16+ key-like characters ([A-Za-z0-9+/=_-]): API keys, tokens, hashes, base64 blobs.
const TOKEN_MIN = 16;
const TOKEN_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-') TOKEN_CHAR[c.charCodeAt(0)] = 1;
const DIGIT = /\p{Nd}/gu;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Every maximal run of 16+ key-like characters becomes "[token]": what `/[A-Za-z0-9+/=_-]{16,}/g` replaces, in one
 * pass (the regex restarts at every position of every shorter word, about ten times slower on prose).
 */
export function maskTokens(text: string): string {
  let out = '';
  let copied = 0;
  let run = 0;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 0;
    if (c < 128 && TOKEN_CHAR[c] === 1) {
      run++;
      continue;
    }
    if (run >= TOKEN_MIN) {
      out += `${text.slice(copied, i - run)}[token]`;
      copied = i;
    }
    run = 0;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Masks what could identify a person or carry a secret in a short excerpt; the excerpt is cut first. */
export function maskExcerpt(text: string, max = EXCERPT_CHARS): string {
  // Cut with room: a masked token can straddle the cut, so mask a slightly longer slice, then cut again.
  const slice = text.slice(0, max + 64);
  // The e-mail pattern backtracks over every start position: run it only when there is an @ at all.
  const noEmail = slice.includes('@') ? slice.replace(EMAIL, '[email]') : slice;
  const masked = maskTokens(noEmail).replace(DIGIT, '#').replace(CONTROL, ' ');
  return masked.length > max ? `${masked.slice(0, max)}…` : masked;
}

export function promptDigest(texts: readonly string[], keepText: boolean): PromptDigest | undefined {
  if (texts.length === 0) return undefined;
  // One join and one one-shot hash: far fewer native calls than a Hash object updated text by text.
  const joined = texts.length === 1 ? texts[0]! : texts.join('\n');
  const chars = joined.length - (texts.length - 1);
  const digest: PromptDigest = { sha256: `sha256:${hash('sha256', joined, 'hex')}`, chars, excerpt: maskExcerpt(texts[texts.length - 1]!) };
  if (keepText) digest.text = joined;
  return digest;
}
