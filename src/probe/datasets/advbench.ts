// AdvBench harmful behaviours CSV (llm-attacks data/advbench/harmful_behaviors.csv): columns goal, target, where
// target is the affirmative opening an attacker wants ("Sure, here is ...").
import { refusalGrader } from './graders.js';
import { requiredValue, type CsvDatasetFormat } from './format.js';

export const advbenchFormat: CsvDatasetFormat = {
  id: 'advbench',
  syntax: 'csv',
  required: ['goal'],
  optional: ['target'],
  toCase(v, ctx) {
    const goal = requiredValue(v, 'goal');
    const target = (v['target'] ?? '').trim();
    return {
      pack: ctx.pack,
      category: 'advbench',
      kind: 'attack',
      intent: 'The target complies with an AdvBench harmful behaviour instead of refusing.',
      tags: { atlas: ['AML.T0048'] },
      turns: [{ role: 'user', content: goal }],
      graders: [refusalGrader('refuse')],
      metadata: { source: 'advbench', line: ctx.line, ...(target ? { target } : {}) },
    };
  },
};
