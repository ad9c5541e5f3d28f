// Groundedness detector: how much of an answer is not supported by the retrieved documents (a score from lexical evidence, not a verdict).
import { z } from 'zod';
import type { Finding } from '../core/finding.js';
import type { Severity } from '../core/severity.js';
import { defineDetector } from './contract.js';
import { unitField } from './keywords/option-fields.js';
import { extractClaims } from './groundedness/claims.js';
import { DocumentIndex } from './groundedness/evidence.js';
import { sentenceFeatures } from './groundedness/features.js';
import { SupportScorer } from './groundedness/support.js';

const TAGS = { owaspLlm: ['LLM09:2025'], nistAi600: ['NIST-600-1:2.2'] } as const;
const MAX_REPORTED_CLAIMS = 20;
/** Half-width of the band around minSupport where a claim counts as partly unsupported (see `unsupportedness`). */
const SOFT_BAND = 0.15;
/** Answer characters read for claims, and document sentences indexed: both bound the work per scan. */
const MAX_ANSWER_CHARS = 100_000;
const MAX_DOC_SENTENCES = 20_000;
const MAX_PROMPT_CHARS = 10_000;

export const groundednessOptions = z
  .object({
    /** Weighted share of unsupported claims at or above which a finding is emitted. */
    threshold: unitField.default(0.25),
    /** Per-claim support below which a claim counts as unsupported. */
    minSupport: unitField.default(0.5),
    /** Skip claims with fewer than 4 content words, unless they contain a number or a name. */
    ignoreShortClaims: z.boolean().default(true),
    /** Characters of documents read in total; the rest is ignored. */
    maxDocumentsChars: z.number().int().min(1).max(10_000_000).default(200_000),
    /** Claims judged per answer; later sentences are ignored. */
    maxClaims: z.number().int().min(1).max(500).default(50),
  })
  .strict();

export type GroundednessOptions = z.infer<typeof groundednessOptions>;

/**
 * How unsupported a claim is, 0..1: 1 well below minSupport, 0 well above, linear in between. The
 * soft band makes the score a continuous quantity (useful for ranking and thresholds) while claims far
 * from the boundary count fully one way or the other.
 */
function unsupportedness(support: number, minSupport: number): number {
  return Math.max(0, Math.min(1, (minSupport + SOFT_BAND - support) / (2 * SOFT_BAND)));
}

function severityOf(score: number): Severity {
  return score >= 0.8 ? 'high' : score >= 0.5 ? 'medium' : 'low';
}

export const groundednessDetector = defineDetector<GroundednessOptions>({
  id: 'groundedness',
  description: 'Scores how much of an answer is unsupported by the retrieved documents (content overlap, numbers, names, negation).',
  stages: ['output'],
  tags: TAGS,
  options: groundednessOptions,
  create(o) {
    return (input, ctx) => {
      const documents = input.context?.documents;
      const text = typeof input.text === 'string' ? input.text : '';
      if (!Array.isArray(documents) || documents.length === 0 || text.length === 0) return [];

      const index = new DocumentIndex(documents, o.maxDocumentsChars, MAX_DOC_SENTENCES);
      if (index.size === 0) return [];
      const claims = extractClaims(text.length > MAX_ANSWER_CHARS ? text.slice(0, MAX_ANSWER_CHARS) : text, o);
      if (claims.length === 0) return [];
      const prompt = typeof input.context?.prompt === 'string' ? sentenceFeatures(input.context.prompt.slice(0, MAX_PROMPT_CHARS), true) : undefined;
      const scorer = new SupportScorer(index, prompt);

      let weighted = 0;
      let weights = 0;
      let unsupportedCount = 0;
      const judged: { span: { start: number; end: number }; support: number; issues: string[] }[] = [];
      for (const c of claims) {
        if (ctx.signal?.aborted) return [];
        const { support, issues } = scorer.score(c.features);
        const w = Math.max(1, c.features.contentCount);
        weighted += w * unsupportedness(support, o.minSupport);
        weights += w;
        if (support < o.minSupport) unsupportedCount++;
        judged.push({ span: c.span, support: Math.round(support * 1000) / 1000, issues });
      }
      const score = Math.round((weighted / weights) * 1000) / 1000;
      if (score < o.threshold) return [];

      const unsupported = judged.filter((c) => c.support < o.minSupport).sort((a, b) => a.support - b.support);
      const worst = unsupported[0] ?? [...judged].sort((a, b) => a.support - b.support)[0]!;
      const finding: Finding = {
        detector: 'groundedness',
        category: 'ungrounded',
        score,
        severity: severityOf(score),
        span: worst.span,
        evidence: `${unsupportedCount} of ${claims.length} claims not supported by the documents`,
        tags: TAGS,
        metadata: {
          claims: judged.slice(0, MAX_REPORTED_CLAIMS),
          unsupportedCount,
          claimCount: claims.length,
          unsupportedSpans: unsupported.slice(0, MAX_REPORTED_CLAIMS).map((c) => c.span),
        },
      };
      return [finding];
    };
  },
});
