// Seeded generator of a labelled corpus for the secrets detector: realistic messages with and without secrets.
import { embedPositive } from './secrets-corpus-contexts.js';
import { HELD_OUT_KINDS } from './secrets-corpus-heldout.js';
import { NEGATIVE_KINDS } from './secrets-corpus-negatives.js';
import { createRng } from './secrets-corpus-random.js';
import { POSITIVE_KINDS } from './secrets-corpus-tokens.js';

export interface SecretsSample {
  text: string;
  /** 1 when the text contains a live-looking secret, 0 otherwise. */
  label: 0 | 1;
  /** Which generator produced it (positive kinds and negative kinds have disjoint names). */
  kind: string;
}

export const SECRETS_POSITIVE_KINDS: readonly string[] = POSITIVE_KINDS.map((k) => k.kind);
export const SECRETS_NEGATIVE_KINDS: readonly string[] = NEGATIVE_KINDS.map((k) => `neg:${k.kind}`);
export const SECRETS_HELD_OUT_KINDS: readonly string[] = HELD_OUT_KINDS.map((k) => k.kind);

export interface CorpusOptions {
  /** Also emit the held-out kinds (written after tuning; never tuned on). Default true. */
  heldOut?: boolean;
}

/**
 * `n` samples: one in ten from the held-out kinds (unless disabled), the rest half positive and half negative;
 * kinds are visited round-robin (so every kind appears once `n` is large enough), values and templates are drawn
 * from a mulberry32 stream seeded by `seed`.
 */
export function generateSecretsCorpus(seed: number, n = 2000, options: CorpusOptions = {}): SecretsSample[] {
  const rng = createRng(seed);
  const heldOut = options.heldOut ?? true;
  const out: SecretsSample[] = [];
  const offsetPos = rng.int(0, POSITIVE_KINDS.length - 1);
  const offsetNeg = rng.int(0, NEGATIVE_KINDS.length - 1);
  let pos = 0;
  let neg = 0;
  let held = 0;
  for (let i = 0; i < n; i++) {
    if (heldOut && i % 10 === 9) {
      const k = HELD_OUT_KINDS[held++ % HELD_OUT_KINDS.length]!;
      out.push({ text: k.make(rng), label: k.label, kind: k.kind });
    } else if (i % 2 === 0) {
      const k = POSITIVE_KINDS[(pos++ + offsetPos) % POSITIVE_KINDS.length]!;
      out.push({ text: embedPositive(rng, k.make(rng)), label: 1, kind: k.kind });
    } else {
      const k = NEGATIVE_KINDS[(neg++ + offsetNeg) % NEGATIVE_KINDS.length]!;
      out.push({ text: k.make(rng), label: 0, kind: `neg:${k.kind}` });
    }
  }
  return out;
}
