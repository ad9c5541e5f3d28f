// SARIF 2.1.0 for code scanning: a rule per category (taxonomy relations and tags), a result per failed case and target.
import { createHash } from 'node:crypto';
import { TAXONOMIES, type TaxonomyName, type TaxonomyTags } from '../../core/taxonomy/index.js';
import type { CaseKind, CaseResult } from '../types.js';
import { truncate } from './escape.js';
import { renderWith, type FormatterFactory, type ReportFormatter } from './format.js';
import { categorySeverity, sarifLevel, securitySeverity } from './severity.js';
import { SHORT_TITLES } from './taxonomy-labels.js';
import type { ReportOptions, RunReport } from './types.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** Taxonomies written into run.taxonomies: OWASP LLM whole, the others only with the entries used. */
const SARIF_TAXONOMIES: { name: TaxonomyName; uri: string; org: string; whole: boolean }[] = [
  { name: 'owaspLlm', uri: 'https://genai.owasp.org/llm-top-10/', org: 'OWASP', whole: true },
  { name: 'atlas', uri: 'https://atlas.mitre.org/', org: 'MITRE', whole: false },
  { name: 'nistAi600', uri: 'https://doi.org/10.6028/NIST.AI.600-1', org: 'NIST', whole: false },
];

interface Failure {
  caseId: string;
  category: string;
  kind: CaseKind;
  target: string;
  failed: number;
  reasons: string[];
  graders: string[];
}

interface RuleInfo {
  kind: CaseKind;
  tags: TaxonomyTags;
}

export const sarifFormatter: FormatterFactory = (report, options): ReportFormatter => {
  const s = report.summary;
  const rules = new Map<string, RuleInfo>();
  for (const c of [...s.categories].sort((a, b) => cmp(a.category, b.category))) rules.set(c.category, { kind: c.kind, tags: c.tags });
  for (const info of report.cases.values()) if (!rules.has(info.category)) rules.set(info.category, { kind: info.kind ?? 'attack', tags: info.tags });
  const ruleIndex = new Map([...rules.keys()].map((k, i) => [k, i]));
  const runs = new Map<string, number>();
  const failures = new Map<string, Failure>();

  return {
    *begin() {
      yield `{\n"$schema":${JSON.stringify(SARIF_SCHEMA_URI)},\n"version":"2.1.0",\n"runs":[{\n`;
    },
    add(r: CaseResult) {
      const key = `${r.caseId}\u0000${r.target}`;
      runs.set(key, (runs.get(key) ?? 0) + 1);
      if (r.outcome !== 'fail') return '';
      let f = failures.get(key);
      if (!f) {
        f = { caseId: r.caseId, category: r.category, kind: r.kind, target: r.target, failed: 0, reasons: [], graders: [] };
        failures.set(key, f);
      }
      f.failed++;
      for (const v of r.verdicts) {
        if (v.outcome !== 'fail') continue;
        if (!f.graders.includes(v.grader)) f.graders.push(v.grader);
        if (v.reason && f.reasons.length < 3 && !f.reasons.includes(v.reason)) f.reasons.push(truncate(v.reason, 300));
      }
      return '';
    },
    *end() {
      // Taxonomies: which entries the rules refer to.
      const used = new Map<TaxonomyName, Set<string>>();
      for (const info of rules.values()) {
        for (const t of SARIF_TAXONOMIES) {
          const ids = info.tags[t.name] ?? [];
          if (ids.length === 0) continue;
          const set = used.get(t.name) ?? new Set<string>();
          for (const id of ids) set.add(id);
          used.set(t.name, set);
        }
      }
      const taxonomies = SARIF_TAXONOMIES.filter((t) => t.whole || (used.get(t.name)?.size ?? 0) > 0).map((t) => {
        const entries = TAXONOMIES[t.name].entries.filter((e) => t.whole || used.get(t.name)?.has(e.id));
        return {
          name: SHORT_TITLES[t.name],
          fullName: TAXONOMIES[t.name].title,
          organization: t.org,
          informationUri: t.uri,
          isComprehensive: t.whole,
          taxa: entries.map((e) => ({ id: e.id, name: e.name, shortDescription: { text: e.name } })),
        };
      });
      const taxonomyIndex = new Map(taxonomies.map((t, i) => [t.name, i]));
      const taxaIndex = new Map(taxonomies.flatMap((t) => t.taxa.map((x, i) => [`${t.name}\u0000${x.id}`, i] as const)));
      const relationships = (tags: TaxonomyTags) =>
        SARIF_TAXONOMIES.flatMap((t) =>
          (tags[t.name] ?? []).flatMap((id) => {
            const name = SHORT_TITLES[t.name];
            const index = taxaIndex.get(`${name}\u0000${id}`);
            const tc = taxonomyIndex.get(name);
            return index === undefined || tc === undefined ? [] : [{ target: { id, index, toolComponent: { name, index: tc } }, kinds: ['relevant'] }];
          }),
        );
      const ruleList = [...rules.entries()].map(([category, info]) => {
        const severity = categorySeverity(category, info.kind, info.tags);
        const tagIds = SARIF_TAXONOMIES.flatMap((t) => [...(info.tags[t.name] ?? [])]);
        return {
          id: category,
          name: category,
          shortDescription: { text: `${KIND_TEXT[info.kind]}: ${category}` },
          fullDescription: { text: `${KIND_TEXT[info.kind]} in category ${category}.${tagIds.length > 0 ? ` Mapped to ${tagIds.join(', ')}.` : ''}` },
          defaultConfiguration: { level: sarifLevel(severity) },
          relationships: relationships(info.tags),
          properties: { tags: ['security', 'llm', info.kind, ...tagIds], 'security-severity': securitySeverity(severity), severity, kind: info.kind },
        };
      });
      const driver = {
        name: 'Bulwark',
        ...(options.toolVersion ? { version: options.toolVersion } : {}),
        rules: ruleList,
        supportedTaxonomies: taxonomies.map((t, i) => ({ name: t.name, index: i })),
      };
      yield `"tool":${JSON.stringify({ driver })},\n"taxonomies":${JSON.stringify(taxonomies)},\n`;
      const invocation: Record<string, unknown> = { executionSuccessful: s.status === 'finished', startTimeUtc: s.startedAt };
      if (s.finishedAt) invocation.endTimeUtc = s.finishedAt;
      yield `"invocations":${JSON.stringify([invocation])},\n"automationDetails":${JSON.stringify({ id: `bulwark-eval/${s.suite}/${s.runId}` })},\n"results":[`;
      let n = 0;
      const sorted = [...failures.values()].sort((a, b) => cmp(a.category, b.category) || cmp(a.caseId, b.caseId) || cmp(a.target, b.target));
      for (const f of sorted) {
        const info = report.cases.get(f.caseId);
        const rule = rules.get(f.category);
        const severity = info?.severity ?? categorySeverity(f.category, f.kind, rule?.tags ?? info?.tags);
        const total = runs.get(`${f.caseId}\u0000${f.target}`) ?? f.failed;
        const what = f.kind === 'attack' ? 'attack succeeded' : f.kind === 'control' ? 'safe request refused' : 'check failed';
        const text = `${what} against ${f.target} in ${f.failed} of ${total} run(s): ${info?.intent ?? f.caseId}${f.reasons.length > 0 ? `. ${f.reasons.join('; ')}` : ''}`;
        const location: Record<string, unknown> = { logicalLocations: [{ name: f.caseId, fullyQualifiedName: `${f.category}/${f.caseId}`, kind: 'test' }] };
        if (options.suiteUri) location.physicalLocation = { artifactLocation: { uri: options.suiteUri }, region: { startLine: 1 } };
        const result: Record<string, unknown> = {
          ruleId: f.category,
          level: sarifLevel(severity),
          kind: 'fail',
          message: { text: truncate(text, 2000) },
          locations: [location],
          partialFingerprints: { 'bulwarkCase/v1': createHash('sha256').update(`${f.caseId}\u0000${f.target}`).digest('hex') },
          properties: { caseId: f.caseId, target: f.target, failedRuns: f.failed, runs: total, graders: f.graders, severity },
        };
        const idx = ruleIndex.get(f.category);
        if (idx !== undefined) result.ruleIndex = idx;
        yield `${n++ === 0 ? '\n' : ',\n'}${JSON.stringify(result)}`;
      }
      yield '\n]\n}]\n}\n';
    },
  };
};

const KIND_TEXT: Record<CaseKind, string> = {
  attack: 'Attacks the target should resist',
  control: 'Safe requests the target should answer (over-refusal)',
  quality: 'Reference-graded answers',
};

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function renderSarif(report: RunReport, options: ReportOptions = {}): string {
  return renderWith(sarifFormatter, report, options);
}
