// What every report renders from: the run summary, its results (streamed), what each case is, trend and baseline diff.
import type { TaxonomyTags } from '../../core/taxonomy/index.js';
import type { Severity } from '../../core/severity.js';
import type { CaseKind, CaseResult, RunSummary } from '../types.js';

/** What reports need to know about a case (from its ProbeCase). */
export interface CaseInfo {
  category: string;
  intent: string;
  tags: TaxonomyTags;
  kind?: CaseKind;
  /** Severity of a failure of this case; default from the category (see severity.ts). */
  severity?: Severity;
}

/** One earlier run in the trend chart (oldest first). */
export interface TrendPoint {
  runId: string;
  startedAt: string;
  /** Attack success rate (0..1) per attack category. */
  asrByCategory: Record<string, number>;
}

/** A case that got worse against the baseline run (from the diff of the stats module). */
export interface Regression {
  caseId: string;
  category: string;
  target?: string;
  /** Failures over scored repeats, in the baseline and in this run. */
  before: { fail: number; n: number };
  after: { fail: number; n: number };
  /** Significance of the change (e.g. Fisher's exact test); lower is stronger. */
  pValue?: number;
}

export interface BaselineDiff {
  baselineRunId: string;
  regressions: Regression[];
  /** Cases that got better (listed, not gated). */
  improvements?: Regression[];
  /** Attack success per category in the baseline, for the "vs baseline" column. */
  asrBefore?: Record<string, number>;
}

export type ResultSource = AsyncIterable<CaseResult> | Iterable<CaseResult>;

export interface RunReport {
  summary: RunSummary;
  /**
   * The results, read once per report. A function is called for each pass, so that writing several formats from
   * a store cursor can re-open it; writeReports needs only one pass for all formats.
   */
  results: ResultSource | (() => ResultSource);
  cases: ReadonlyMap<string, CaseInfo>;
  trend?: TrendPoint[];
  baselineDiff?: BaselineDiff;
}

export interface ReportOptions {
  /** Suite file as a repository-relative URI: SARIF results point at it (GitHub code scanning needs a file). */
  suiteUri?: string;
  /** Rows in the HTML table of failed cases (default 2,000; the rest are counted, all are in the JSON report). */
  maxFailedRows?: number;
  /** Characters of a target's answer shown per failed case (default 2,000). */
  maxAnswerChars?: number;
  /** Tool version shown in reports (default: unknown). */
  toolVersion?: string;
}
