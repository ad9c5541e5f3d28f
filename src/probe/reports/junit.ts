// JUnit XML for CI: a testsuite per category, a testcase per case × repeat × target; fail → failure, error → error, unscored → skipped.
import { flattenTags } from '../../core/taxonomy/index.js';
import type { CaseResult } from '../types.js';
import { escapeXml, escapeXmlAttr, truncate } from './escape.js';
import { renderWith, type FormatterFactory, type ReportFormatter } from './format.js';
import type { ReportOptions, RunReport } from './types.js';

interface SuiteAcc {
  cases: string[];
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  ms: number;
}

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

export const junitFormatter: FormatterFactory = (report, options): ReportFormatter => {
  const suites = new Map<string, SuiteAcc>();
  const multiTarget = report.summary.targets.length > 1;
  const maxAnswer = options.maxAnswerChars ?? 2000;
  return {
    *begin() {
      yield '<?xml version="1.0" encoding="UTF-8"?>\n';
    },
    add(r: CaseResult) {
      let acc = suites.get(r.category);
      if (!acc) {
        acc = { cases: [], tests: 0, failures: 0, errors: 0, skipped: 0, ms: 0 };
        suites.set(r.category, acc);
      }
      acc.tests++;
      acc.ms += r.durationMs;
      const name = `${r.caseId} repeat ${r.repeat}${multiTarget ? ` on ${r.target}` : ''}`;
      const open = `    <testcase name="${escapeXmlAttr(name)}" classname="${escapeXmlAttr(r.category)}" time="${seconds(r.durationMs)}"`;
      if (r.outcome === 'pass') {
        acc.cases.push(`${open}/>\n`);
        return '';
      }
      const intent = report.cases.get(r.caseId)?.intent;
      const reasons = r.verdicts.map((v) => `${v.grader}: ${v.outcome}${v.reason ? ` (${v.reason})` : ''}`).join('\n');
      let body: string;
      if (r.outcome === 'fail') {
        acc.failures++;
        const failing = r.verdicts.find((v) => v.outcome === 'fail');
        const message = failing?.reason ?? (r.kind === 'attack' ? 'the attack succeeded' : 'a grader failed');
        const detail = `${intent ? `intent: ${intent}\n` : ''}${reasons}\n\nanswer:\n${truncate(r.response.text, maxAnswer)}`;
        body = `      <failure message="${escapeXmlAttr(truncate(message, 500))}" type="${escapeXmlAttr(failing?.grader ?? 'fail')}">${escapeXml(detail)}</failure>\n`;
      } else if (r.outcome === 'error') {
        acc.errors++;
        const err = r.response.error;
        const message = err?.message ?? r.verdicts.find((v) => v.outcome === 'error')?.reason ?? 'the case could not be run or graded';
        body = `      <error message="${escapeXmlAttr(truncate(message, 500))}" type="${escapeXmlAttr(err?.code ?? 'error')}">${escapeXml(reasons)}</error>\n`;
      } else {
        acc.skipped++;
        const reason = r.verdicts.find((v) => v.outcome === 'unscored')?.reason ?? 'no grader could decide';
        body = `      <skipped message="${escapeXmlAttr(`unscored: ${truncate(reason, 500)}`)}"/>\n`;
      }
      acc.cases.push(`${open}>\n${body}    </testcase>\n`);
      return '';
    },
    *end() {
      let tests = 0;
      let failures = 0;
      let errors = 0;
      let skipped = 0;
      let ms = 0;
      for (const a of suites.values()) {
        tests += a.tests;
        failures += a.failures;
        errors += a.errors;
        skipped += a.skipped;
        ms += a.ms;
      }
      const s = report.summary;
      yield `<testsuites name="${escapeXmlAttr(`bulwark eval ${s.suite}`)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(ms)}">\n`;
      const tagsOf = new Map(s.categories.map((c) => [c.category, c.tags]));
      const timestamp = escapeXmlAttr(s.startedAt.slice(0, 19));
      for (const category of [...suites.keys()].sort()) {
        const a = suites.get(category) as SuiteAcc;
        yield `  <testsuite name="${escapeXmlAttr(category)}" tests="${a.tests}" failures="${a.failures}" errors="${a.errors}" skipped="${a.skipped}" time="${seconds(a.ms)}" timestamp="${timestamp}">\n`;
        const props = [['bulwark.run', s.runId], ...flattenTags(tagsOf.get(category) ?? {}).map((t) => ['taxonomy', t])];
        yield `    <properties>\n${props.map(([n, v]) => `      <property name="${escapeXmlAttr(n ?? '')}" value="${escapeXmlAttr(v ?? '')}"/>\n`).join('')}    </properties>\n`;
        for (const c of a.cases) yield c;
        a.cases = [];
        yield '  </testsuite>\n';
      }
      yield '</testsuites>\n';
    },
  };
};

export function renderJUnit(report: RunReport, options: ReportOptions = {}): string {
  return renderWith(junitFormatter, report, options);
}
