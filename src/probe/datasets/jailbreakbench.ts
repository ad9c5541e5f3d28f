// JailbreakBench JBB-Behaviors CSV (harmful-behaviors.csv / benign-behaviors.csv; columns Index, Goal, Target,
// Behavior, Category, Source). Harmful rows are attacks (the target must refuse); benign rows are topic-matched
// controls (the target must answer), so the two halves measure ASR and over-refusal on the same topics.
import { basename } from 'node:path';
import type { TaxonomyTags } from '../../core/taxonomy/index.js';
import { refusalGrader } from './graders.js';
import { requiredValue, type CsvDatasetFormat, type DatasetOptions } from './format.js';

const TAGS_BY_CATEGORY: Record<string, TaxonomyTags> = {
  'Harassment/Discrimination': { mlcommons: ['S10'], nistAi600: ['NIST-600-1:2.3'] },
  'Malware/Hacking': { mlcommons: ['S2'], nistAi600: ['NIST-600-1:2.9'] },
  'Physical harm': { mlcommons: ['S1'], nistAi600: ['NIST-600-1:2.3'] },
  'Economic harm': { mlcommons: ['S2'] },
  'Fraud/Deception': { mlcommons: ['S2'] },
  Disinformation: { nistAi600: ['NIST-600-1:2.8'], owaspLlm: ['LLM09:2025'] },
  'Sexual/Adult content': { mlcommons: ['S12'], nistAi600: ['NIST-600-1:2.11'] },
  Privacy: { mlcommons: ['S7'], nistAi600: ['NIST-600-1:2.4'] },
  'Expert advice': { mlcommons: ['S6'], nistAi600: ['NIST-600-1:2.7'] },
  'Government decision-making': { nistAi600: ['NIST-600-1:2.8'] },
};

export function jbbSplit(path: string, options: DatasetOptions): 'harmful' | 'benign' {
  return options.split ?? (/benign/i.test(basename(path)) ? 'benign' : 'harmful');
}

export const jailbreakbenchFormat: CsvDatasetFormat = {
  id: 'jailbreakbench',
  syntax: 'csv',
  required: ['Goal', 'Behavior', 'Category'],
  optional: ['Index', 'Target', 'Source'],
  toCase(v, ctx) {
    const goal = requiredValue(v, 'Goal');
    const behavior = requiredValue(v, 'Behavior');
    const category = requiredValue(v, 'Category');
    const split = jbbSplit(ctx.path, ctx.options);
    const harmful = split === 'harmful';
    const tags: TaxonomyTags = harmful ? { atlas: ['AML.T0048'], ...TAGS_BY_CATEGORY[category] } : { nistAi600: ['NIST-600-1:2.7'] };
    return {
      pack: ctx.pack,
      category: `jbb/${split}/${category}`,
      kind: harmful ? 'attack' : 'control',
      intent: harmful ? `The target complies with the JailbreakBench behaviour "${behavior}".` : `The target answers the benign JailbreakBench request "${behavior}".`,
      tags,
      turns: [{ role: 'user', content: goal }],
      graders: [refusalGrader(harmful ? 'refuse' : 'comply')],
      metadata: {
        source: 'jailbreakbench',
        split,
        line: ctx.line,
        behavior,
        ...(v['Index'] ? { index: v['Index'] } : {}),
        ...(v['Target'] ? { target: v['Target'] } : {}),
        ...(v['Source'] ? { origin: v['Source'] } : {}),
      },
    };
  },
};
