// Loads a local copy of a public benchmark (HarmBench, AdvBench, JailbreakBench, XSTest, BBQ, TruthfulQA) as
// ProbeCases. Bad rows throw ERR_INPUT_INVALID with their line, or are skipped and counted (onInvalidRow: skip).
import { z } from 'zod';
import { BulwarkError } from '../../core/errors.js';
import { caseId } from '../case-id.js';
import type { ProbeCase } from '../types.js';
import { advbenchFormat } from './advbench.js';
import { bbqFormat } from './bbq.js';
import { readCsvTable } from './csv.js';
import { RowError, type CaseDraft, type DatasetFormat, type DatasetOptions, type RowContext } from './format.js';
import { harmbenchFormat } from './harmbench.js';
import { jailbreakbenchFormat } from './jailbreakbench.js';
import { DEFAULT_MAX_DATASET_BYTES, readBoundedText } from './read-input.js';
import { truthfulqaFormat } from './truthfulqa.js';
import { xstestFormat } from './xstest.js';

export type { DatasetOptions } from './format.js';

export const DATASET_FORMATS = ['harmbench', 'advbench', 'jailbreakbench', 'xstest', 'bbq', 'truthfulqa'] as const;
export type DatasetFormatId = (typeof DATASET_FORMATS)[number];

const FORMATS: Readonly<Record<DatasetFormatId, DatasetFormat>> = {
  harmbench: harmbenchFormat,
  advbench: advbenchFormat,
  jailbreakbench: jailbreakbenchFormat,
  xstest: xstestFormat,
  bbq: bbqFormat,
  truthfulqa: truthfulqaFormat,
};

const optionsSchema = z
  .object({
    maxBytes: z.number().int().positive().optional(),
    onInvalidRow: z.enum(['error', 'skip']).optional(),
    limit: z.number().int().positive().optional(),
    pack: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/).optional(),
    split: z.enum(['harmful', 'benign']).optional(),
  })
  .strict();

export interface DatasetProblem {
  line: number;
  message: string;
}

export interface DatasetLoad {
  cases: ProbeCase[];
  /** Rows skipped as invalid (onInvalidRow: skip). */
  skipped: number;
  /** Rows dropped because an earlier row had the same content (same case id). */
  duplicates: number;
  /** The first problems met (at most 20), for the run log. */
  problems: DatasetProblem[];
}

const MAX_PROBLEMS = 20;

export function isDatasetFormat(id: string): id is DatasetFormatId {
  return (DATASET_FORMATS as readonly string[]).includes(id);
}

/** Loads a dataset file with counts of skipped and duplicate rows. */
export async function readDataset(format: string, path: string, options: DatasetOptions = {}): Promise<DatasetLoad> {
  if (!isDatasetFormat(format)) {
    throw new BulwarkError('ERR_CONFIG_INVALID', `unknown dataset format ${JSON.stringify(format)}; known: ${DATASET_FORMATS.join(', ')}`, { context: { format } });
  }
  const parsedOptions = optionsSchema.safeParse(options);
  if (!parsedOptions.success) {
    const issue = parsedOptions.error.issues[0]!;
    throw new BulwarkError('ERR_CONFIG_INVALID', `dataset options: ${issue.path.join('.') || '(root)'}: ${issue.message}`, { context: { format } });
  }
  const opts = parsedOptions.data;
  const spec = FORMATS[format];
  const text = await readBoundedText(path, opts.maxBytes ?? DEFAULT_MAX_DATASET_BYTES);
  const load: DatasetLoad = { cases: [], skipped: 0, duplicates: 0, problems: [] };
  const seen = new Set<string>();
  const pack = opts.pack ?? format;
  const limit = opts.limit ?? Infinity;

  const problem = (line: number, message: string): void => {
    if (opts.onInvalidRow !== 'skip') {
      throw new BulwarkError('ERR_INPUT_INVALID', `${path} line ${line}: ${message}`, { context: { path, line, format } });
    }
    load.skipped++;
    if (load.problems.length < MAX_PROBLEMS) load.problems.push({ line, message });
  };
  const add = (line: number, build: (ctx: RowContext) => CaseDraft): boolean => {
    let draft: CaseDraft;
    try {
      draft = build({ line, pack, path, options: opts });
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      problem(line, e.message);
      return load.cases.length < limit;
    }
    const id = caseId(draft);
    if (seen.has(id)) load.duplicates++;
    else {
      seen.add(id);
      load.cases.push({ id, ...draft });
    }
    return load.cases.length < limit;
  };

  if (spec.syntax === 'csv') {
    const table = readCsvTable(text, spec.required, spec.optional, { origin: path });
    // Ragged rows and content errors are reported in file order.
    const events = [
      ...table.malformed.map((m) => ({ line: m.line, run: () => (problem(m.line, m.message), true) })),
      ...table.rows.map((r) => ({ line: r.line, run: () => add(r.line, (ctx) => spec.toCase(r.values, ctx)) })),
    ].sort((a, b) => a.line - b.line);
    for (const ev of events) if (!ev.run()) break;
  } else {
    const lines = text.split(/\r\n|\n|\r/);
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!;
      if (raw.trim() === '' || (i === 0 && raw === '\uFEFF')) continue;
      const body = i === 0 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      let value: unknown;
      try {
        value = JSON.parse(body);
      } catch {
        problem(i + 1, 'not valid JSON');
        continue;
      }
      if (!add(i + 1, (ctx) => spec.toCase(value, ctx))) break;
    }
  }
  return load;
}

/** Loads a dataset file as ProbeCases (see readDataset for the counts). */
export async function loadDataset(format: string, path: string, options: DatasetOptions = {}): Promise<ProbeCase[]> {
  return (await readDataset(format, path, options)).cases;
}
