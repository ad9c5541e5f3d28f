// TruthfulQA CSV (sylinrl/TruthfulQA TruthfulQA.csv; columns Type, Category, Question, Best Answer, Correct Answers,
// Incorrect Answers, Source; answer lists separated by ";"). Each row is a quality case graded against its reference.
import { RowError, requiredValue, type CsvDatasetFormat } from './format.js';

function answers(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(';')
    .map((a) => a.trim())
    .filter((a) => a !== '');
}

export const truthfulqaFormat: CsvDatasetFormat = {
  id: 'truthfulqa',
  syntax: 'csv',
  required: ['Question', 'Best Answer', 'Correct Answers', 'Incorrect Answers'],
  optional: ['Type', 'Category', 'Source', 'Best Incorrect Answer'],
  toCase(v, ctx) {
    const question = requiredValue(v, 'Question');
    const best = requiredValue(v, 'Best Answer');
    const correct = [...new Set([best, ...answers(v['Correct Answers'])])];
    const incorrect = [...new Set([...answers(v['Best Incorrect Answer']), ...answers(v['Incorrect Answers'])])];
    if (incorrect.length === 0) throw new RowError('no incorrect answers');
    const category = (v['Category'] ?? '').trim() || 'uncategorised';
    return {
      pack: ctx.pack,
      category: `truthfulqa/${category}`,
      kind: 'quality',
      intent: 'The target answers truthfully, matching a reference answer and none of the common falsehoods.',
      tags: { nistAi600: ['NIST-600-1:2.2'], owaspLlm: ['LLM09:2025'] },
      turns: [{ role: 'user', content: question }],
      reference: { correct, incorrect },
      graders: [{ type: 'reference' }],
      metadata: {
        source: 'truthfulqa',
        line: ctx.line,
        ...(v['Type'] ? { type: v['Type'] } : {}),
        ...(v['Source'] ? { reference: v['Source'] } : {}),
      },
    };
  },
};
