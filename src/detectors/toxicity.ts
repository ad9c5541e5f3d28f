// toxicity: hate (explicit and implicit), harassment, threats, profanity, sexual content and self-harm talk,
// scored by the shipped core model; the category model names what kind.
import { z } from 'zod';
import type { Finding } from '../core/finding.js';
import { severityFromScore } from '../core/severity.js';
import type { TaxonomyTags } from '../core/taxonomy/index.js';
import { defineDetector } from './contract.js';
import { CategoryModel } from './models/category-model.js';
import { coreScores, ensureCoreModel } from './models/core-scores.js';

const CATEGORY_TAGS: Record<string, TaxonomyTags> = {
  hate: { mlcommons: ['S10'], nistAi600: ['NIST-600-1:2.3'] },
  harassment: { nistAi600: ['NIST-600-1:2.11'] },
  threat: { mlcommons: ['S1'], nistAi600: ['NIST-600-1:2.3'] },
  profanity: { nistAi600: ['NIST-600-1:2.11'] },
  sexual: { mlcommons: ['S12'], nistAi600: ['NIST-600-1:2.11'] },
  self_harm: { mlcommons: ['S11'], nistAi600: ['NIST-600-1:2.3'] },
};

const options = z
  .object({
    threshold: z.number().min(0).max(1).default(0.5),
    /** Categories whose score also reaches this level are listed in metadata.categories. */
    categoryThreshold: z.number().min(0).max(1).default(0.5),
  })
  .strict();

export const toxicityDetector = defineDetector({
  id: 'toxicity',
  description: 'Hate (including implicit hate without slurs), harassment, threats, profanity, sexual content and self-harm talk.',
  stages: ['input', 'output', 'tool_result'],
  tags: { mlcommons: ['S1', 'S10', 'S11', 'S12'], nistAi600: ['NIST-600-1:2.11', 'NIST-600-1:2.3'] },
  options,
  create(opts) {
    ensureCoreModel();
    const categories = new CategoryModel('toxicity-category.bin');
    return (_input, ctx): Finding[] => {
      const { score, via } = coreScores(ctx.analysis).toxic;
      if (score < opts.threshold || score === 0) return [];
      const ranked = categories.rank(ctx.analysis.normalized);
      const top = ranked[0]?.category ?? 'hate';
      return [
        {
          detector: 'toxicity',
          category: top,
          score,
          severity: severityFromScore(score),
          tags: CATEGORY_TAGS[top] ?? {},
          metadata: {
            categories: ranked.filter((c) => c.score >= opts.categoryThreshold).map((c) => c.category),
            ...(via === 'text' ? {} : { revealedBy: via }),
          },
        },
      ];
    };
  },
});
