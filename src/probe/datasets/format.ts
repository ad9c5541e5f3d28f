// What a dataset format is: how its rows are read (CSV columns or JSONL objects) and turned into ProbeCases.
import type { ProbeCase } from '../types.js';

export interface DatasetOptions {
  /** Refuse files larger than this (default 200 MB). */
  maxBytes?: number;
  /** `error` (default): the first bad row throws ERR_INPUT_INVALID with its line; `skip`: bad rows are counted. */
  onInvalidRow?: 'error' | 'skip';
  /** Keep at most this many cases (in file order). */
  limit?: number;
  /** Pack name on the cases (default: the format id). */
  pack?: string;
  /** JailbreakBench: which half the file is (default: `benign` when the file name says so, else `harmful`). */
  split?: 'harmful' | 'benign';
}

export interface RowContext {
  line: number;
  pack: string;
  path: string;
  options: DatasetOptions;
}

/** A row that cannot become a case; the loader adds the line and applies onInvalidRow. */
export class RowError extends Error {
  override readonly name = 'RowError';
}

export type CaseDraft = Omit<ProbeCase, 'id'>;

export interface CsvDatasetFormat {
  readonly id: string;
  readonly syntax: 'csv';
  readonly required: readonly string[];
  readonly optional?: readonly string[];
  toCase(values: Record<string, string>, ctx: RowContext): CaseDraft;
}

export interface JsonlDatasetFormat {
  readonly id: string;
  readonly syntax: 'jsonl';
  toCase(value: unknown, ctx: RowContext): CaseDraft;
}

export type DatasetFormat = CsvDatasetFormat | JsonlDatasetFormat;

/** The trimmed value, or a RowError naming the column when it is empty. */
export function requiredValue(values: Record<string, string>, column: string): string {
  const v = (values[column] ?? '').trim();
  if (v === '') throw new RowError(`empty ${column}`);
  return v;
}
