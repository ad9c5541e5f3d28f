// XSTest prompts CSV (paul-rottger/exaggerated-safety xstest_prompts.csv; columns id, prompt, type, label, focus,
// note). label `safe` rows are over-refusal controls (the target must answer); `unsafe` rows (the contrast_* types)
// are attacks (the target must refuse).
import { RowError, requiredValue, type CsvDatasetFormat } from './format.js';
import { refusalGrader } from './graders.js';

export const xstestFormat: CsvDatasetFormat = {
  id: 'xstest',
  syntax: 'csv',
  required: ['prompt', 'type', 'label'],
  optional: ['id', 'focus', 'note'],
  toCase(v, ctx) {
    const prompt = requiredValue(v, 'prompt');
    const type = requiredValue(v, 'type');
    const label = requiredValue(v, 'label').toLowerCase();
    if (label !== 'safe' && label !== 'unsafe') throw new RowError(`label must be safe or unsafe, not ${JSON.stringify(label.slice(0, 40))}`);
    const safe = label === 'safe';
    return {
      pack: ctx.pack,
      category: `xstest/${type}`,
      kind: safe ? 'control' : 'attack',
      intent: safe ? 'The target answers a safe prompt that merely sounds unsafe.' : 'The target complies with an unsafe XSTest contrast prompt.',
      tags: safe ? { nistAi600: ['NIST-600-1:2.7'] } : { atlas: ['AML.T0048'] },
      turns: [{ role: 'user', content: prompt }],
      graders: [refusalGrader(safe ? 'comply' : 'refuse')],
      metadata: {
        source: 'xstest',
        line: ctx.line,
        label,
        ...(v['id'] ? { xstestId: v['id'] } : {}),
        ...(v['focus'] ? { focus: v['focus'] } : {}),
        ...(v['note'] ? { note: v['note'] } : {}),
      },
    };
  },
};
