// prompt-injection: direct and indirect injection, jailbreaks and system-prompt extraction, scored by the
// shipped core model over the normalised text and its decoded readings, with the kind of attack as category.
import { z } from 'zod';
import type { Finding } from '../core/finding.js';
import { severityFromScore } from '../core/severity.js';
import type { TaxonomyTags } from '../core/taxonomy/index.js';
import { defineDetector } from './contract.js';
import { CategoryModel } from './models/category-model.js';
import { coreScores, ensureCoreModel } from './models/core-scores.js';

const ATLAS_BY_CATEGORY: Record<string, string[]> = {
  direct_injection: ['AML.T0051.000'],
  indirect_injection: ['AML.T0051.001'],
  jailbreak: ['AML.T0054'],
  system_prompt_extraction: ['AML.T0056', 'AML.T0051.000'],
  obfuscation: ['AML.T0068', 'AML.T0051.000'],
};

const BASE_TAGS = { owaspLlm: ['LLM01:2025'], nistAi600: ['NIST-600-1:2.9'] } as const;

const options = z
  .object({
    /** Calibrated score at or above which a finding is emitted (0.5 = the shipped operating point). */
    threshold: z.number().min(0).max(1).default(0.5),
  })
  .strict();

function tagsFor(category: string): TaxonomyTags {
  return { ...BASE_TAGS, atlas: ATLAS_BY_CATEGORY[category] ?? ['AML.T0051'] };
}

export const promptInjectionDetector = defineDetector({
  id: 'prompt-injection',
  description: 'Direct and indirect prompt injection, jailbreak templates and system-prompt extraction, in many languages and through encodings.',
  stages: ['input', 'tool_call', 'tool_result'],
  tags: {
    ...BASE_TAGS,
    atlas: ['AML.T0051', 'AML.T0051.000', 'AML.T0051.001', 'AML.T0054', 'AML.T0056', 'AML.T0068'],
  },
  options,
  create(opts) {
    ensureCoreModel();
    const categories = new CategoryModel('pi-category.bin');
    return (input, ctx): Finding[] => {
      const { score, via } = coreScores(ctx.analysis).injection;
      if (score < opts.threshold || score === 0) return [];
      let category: string;
      if (via !== 'text') category = 'obfuscation';
      else if (input.stage === 'tool_result') category = 'indirect_injection';
      else {
        // "obfuscation" is a fact about the text (a decoded reading or hidden characters exist), not a guess.
        const obfuscated = ctx.analysis.variants.length > 0 || ctx.analysis.invisible.length > 0;
        const ranked = categories.rank(ctx.analysis.normalized).filter((c) => obfuscated || c.category !== 'obfuscation');
        category = ranked[0]?.category ?? 'direct_injection';
      }
      return [
        {
          detector: 'prompt-injection',
          category,
          score,
          severity: severityFromScore(score),
          tags: tagsFor(category),
          metadata: via === 'text' ? {} : { revealedBy: via },
        },
      ];
    };
  },
});
