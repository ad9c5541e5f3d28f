// The JSON report: summary, cases, trend, diff and every result, written result by result.
import type { CaseResult } from '../types.js';
import { renderWith, type FormatterFactory, type ReportFormatter } from './format.js';
import type { ReportOptions, RunReport } from './types.js';

export const JSON_REPORT_FORMAT = 'bulwark-eval-report';
export const JSON_REPORT_VERSION = 1;

export const jsonFormatter: FormatterFactory = (report, options): ReportFormatter => {
  let first = true;
  return {
    *begin() {
      const head = { format: JSON_REPORT_FORMAT, version: JSON_REPORT_VERSION, tool: { name: 'bulwark', version: options.toolVersion ?? 'unknown' } };
      yield `${JSON.stringify(head).slice(0, -1)},\n"summary":${JSON.stringify(report.summary)}`;
      if (report.trend) yield `,\n"trend":${JSON.stringify(report.trend)}`;
      if (report.baselineDiff) yield `,\n"baselineDiff":${JSON.stringify(report.baselineDiff)}`;
      yield ',\n"cases":{';
      let n = 0;
      for (const [id, info] of report.cases) yield `${n++ === 0 ? '\n' : ',\n'}${JSON.stringify(id)}:${JSON.stringify(info)}`;
      yield '},\n"results":[';
    },
    add(r: CaseResult) {
      const s = `${first ? '\n' : ',\n'}${JSON.stringify(r)}`;
      first = false;
      return s;
    },
    *end() {
      yield '\n]}\n';
    },
  };
};

export function renderJson(report: RunReport, options: ReportOptions = {}): string {
  return renderWith(jsonFormatter, report, options);
}
