// The synthetic secrets corpus (bench/corpora) is reproducible and well-formed, and the detector keeps its floor on it.
import { describe, expect, it } from 'vitest';
import {
  SECRETS_HELD_OUT_KINDS,
  SECRETS_NEGATIVE_KINDS,
  SECRETS_POSITIVE_KINDS,
  generateSecretsCorpus,
} from '../../../bench/corpora/secrets-corpus.js';
import type { TextAnalysis } from '../../text/analysis.js';
import { secretsDetector } from '../secrets.js';
import { hasBase62Crc32, isValidBech32 } from './checksums.js';

describe('secrets corpus generator', () => {
  it('is reproducible from its seed', () => {
    expect(generateSecretsCorpus(5, 120)).toEqual(generateSecretsCorpus(5, 120));
    expect(generateSecretsCorpus(5, 120)).not.toEqual(generateSecretsCorpus(6, 120));
  });

  it('balances labels and visits every kind', () => {
    const n = 2 * Math.max(SECRETS_POSITIVE_KINDS.length, SECRETS_NEGATIVE_KINDS.length);
    const corpus = generateSecretsCorpus(9, n, { heldOut: false });
    expect(corpus.filter((s) => s.label === 1)).toHaveLength(n / 2);
    const kinds = new Set(corpus.map((s) => s.kind));
    for (const k of [...SECRETS_POSITIVE_KINDS, ...SECRETS_NEGATIVE_KINDS]) expect(kinds, k).toContain(k);
    const withHeldOut = new Set(generateSecretsCorpus(9, 10 * SECRETS_HELD_OUT_KINDS.length).map((s) => s.kind));
    for (const k of SECRETS_HELD_OUT_KINDS) expect(withHeldOut, k).toContain(k);
  });

  it('writes checksums that an independent implementation accepts', () => {
    const corpus = generateSecretsCorpus(4, 2000);
    const github = corpus.filter((s) => s.kind === 'github_classic_pat' || s.kind === 'npm_token');
    const ages = corpus.filter((s) => s.kind === 'age_secret_key');
    expect(github.length).toBeGreaterThan(10);
    for (const s of github) expect(hasBase62Crc32(/(?:ghp|npm)_([A-Za-z0-9]{36})/.exec(s.text)![1]!)).toBe(true);
    for (const s of ages) expect(isValidBech32(/AGE-SECRET-KEY-1[A-Z0-9]{58}/.exec(s.text)![0])).toBe(true);
  });
});

describe('secrets detector on the corpus', () => {
  it('keeps recall ≥ 95% and FPR ≤ 2% on a seed used neither for tuning (1) nor for the report (2)', () => {
    const detect = secretsDetector.create(secretsDetector.options.parse({}));
    // The secrets detector reads input.text only; it never looks at the shared analysis.
    const ctx = { analysis: {} as TextAnalysis };
    // Tuned kinds only: the held-out kinds measure generalisation and are reported by bench/secrets-dev.ts.
    const corpus = generateSecretsCorpus(3, 1200, { heldOut: false });
    let tp = 0;
    let fp = 0;
    for (const s of corpus) {
      const hit = (detect({ text: s.text, stage: 'input' }, ctx) as unknown[]).length > 0;
      if (hit && s.label === 1) tp++;
      if (hit && s.label === 0) fp++;
    }
    expect(tp / 600).toBeGreaterThanOrEqual(0.95);
    expect(fp / 600).toBeLessThanOrEqual(0.02);
  });
});
