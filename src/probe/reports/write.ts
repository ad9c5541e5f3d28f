// Every report format by name, and the entry points the CLI uses: write the suite's reports in one pass, or stream one.
import { htmlFormatter } from './html.js';
import { jsonFormatter } from './json.js';
import { junitFormatter } from './junit.js';
import { markdownFormatter } from './markdown.js';
import { sarifFormatter } from './sarif.js';
import { reportChunks, writeWith, type FormatterFactory, type ReportFormat, type WrittenReport } from './format.js';
import type { ReportOptions, RunReport } from './types.js';

export const REPORT_FORMATTERS: Readonly<Record<ReportFormat, FormatterFactory>> = {
  html: htmlFormatter,
  junit: junitFormatter,
  sarif: sarifFormatter,
  json: jsonFormatter,
  markdown: markdownFormatter,
};

/** Writes the given formats (a suite's `reports:` map) reading the results once; each file appears complete or not at all. */
export function writeReports(report: RunReport, outputs: Partial<Record<ReportFormat, string>>, options: ReportOptions = {}): Promise<WrittenReport[]> {
  return writeWith(REPORT_FORMATTERS, report, outputs, options);
}

/** One format as chunks (e.g. to stdout), reading async results as they come. */
export function streamReport(format: ReportFormat, report: RunReport, options: ReportOptions = {}): AsyncGenerator<string> {
  return reportChunks(REPORT_FORMATTERS[format], report, options);
}
