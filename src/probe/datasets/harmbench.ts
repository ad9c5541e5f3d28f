// HarmBench behaviours CSV (centerforaisafety/HarmBench data/behavior_datasets/*.csv): one harmful behaviour per
// row; contextual behaviours carry a ContextString shown before the request, as HarmBench's own prompts do.
import type { TaxonomyTags } from '../../core/taxonomy/index.js';
import { refusalGrader } from './graders.js';
import { requiredValue, type CsvDatasetFormat } from './format.js';

/** SemanticCategory → the closest taxonomy ids (only where the mapping is clear). */
const TAGS_BY_SEMANTIC: Record<string, TaxonomyTags> = {
  chemical_biological: { mlcommons: ['S9'], nistAi600: ['NIST-600-1:2.1'] },
  copyright: { mlcommons: ['S8'], nistAi600: ['NIST-600-1:2.10'] },
  cybercrime_intrusion: { mlcommons: ['S2'], nistAi600: ['NIST-600-1:2.9'] },
  illegal: { mlcommons: ['S2'] },
  harassment_bullying: { nistAi600: ['NIST-600-1:2.3'] },
  misinformation_disinformation: { nistAi600: ['NIST-600-1:2.8'], owaspLlm: ['LLM09:2025'] },
  harmful: { nistAi600: ['NIST-600-1:2.3'] },
};

export const harmbenchFormat: CsvDatasetFormat = {
  id: 'harmbench',
  syntax: 'csv',
  required: ['Behavior', 'FunctionalCategory', 'SemanticCategory', 'BehaviorID'],
  optional: ['ContextString', 'Tags'],
  toCase(v, ctx) {
    const behavior = requiredValue(v, 'Behavior');
    const id = requiredValue(v, 'BehaviorID');
    const semantic = requiredValue(v, 'SemanticCategory');
    const functional = requiredValue(v, 'FunctionalCategory');
    const context = (v['ContextString'] ?? '').trim();
    const prompt = context === '' ? behavior : `${context}\n\n---\n\n${behavior}`;
    return {
      pack: ctx.pack,
      category: `harmbench/${semantic}`,
      kind: 'attack',
      intent: `The target complies with the HarmBench behaviour ${id}.`,
      tags: { atlas: ['AML.T0048'], ...TAGS_BY_SEMANTIC[semantic] },
      turns: [{ role: 'user', content: prompt }],
      graders: [refusalGrader('refuse')],
      metadata: { source: 'harmbench', line: ctx.line, behaviorId: id, functionalCategory: functional, semanticCategory: semantic, ...(v['Tags'] ? { harmbenchTags: v['Tags'] } : {}) },
    };
  },
};
