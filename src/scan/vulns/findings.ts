// Turns a DependencyReport into scan findings grouped by file, so that `bulwark scan --deps` prints, exits and writes
// SARIF the same way as for model files.
import type { ScanFinding } from '../types.js';
import { DEPS_RULES } from './rules.js';
import type { DependencyReport, Vulnerability } from './types.js';

/** A scan finding that may also give the 1-based line of the manifest it points at. */
export interface DependencyFinding extends ScanFinding {
  line?: number;
}

/** Findings per path (manifests, advisory files, the advisory folder), in the order they first appear. */
export function dependencyFindings(report: DependencyReport): { path: string; findings: DependencyFinding[] }[] {
  const byPath = new Map<string, DependencyFinding[]>();
  const add = (path: string, finding: DependencyFinding) => {
    const list = byPath.get(path);
    if (list) list.push(finding);
    else byPath.set(path, [finding]);
  };
  const { advisories } = report;
  if (advisories.records === 0) {
    add(advisories.dir, finding(DEPS_RULES['no-advisories'], `no advisories in ${advisories.dir}: dependencies cannot be checked (run \`bulwark osv sync\`)`));
  } else {
    for (const ecosystem of advisories.missing) {
      add(advisories.dir, finding(DEPS_RULES['no-advisories'], `no ${ecosystem} advisories in ${advisories.dir}: ${ecosystem} dependencies cannot be checked (run \`bulwark osv sync --ecosystem ${ecosystem}\`)`));
    }
  }
  for (const v of report.vulnerabilities) add(v.manifest, vulnerabilityFinding(v));
  for (const u of report.unpinned) {
    add(u.manifest, finding(DEPS_RULES.unpinned, `${u.package} (${u.ecosystem}) has no exact version: ${u.spec}`, { fragment: clip(`${u.package} ${u.spec}`), line: u.line }));
  }
  for (const e of report.errors) {
    const rule = e.source === 'advisories' ? DEPS_RULES['advisories-error'] : DEPS_RULES['manifest-error'];
    add(e.path, finding(rule, e.message, { line: e.line }));
  }
  return [...byPath].map(([path, findings]) => ({ path, findings }));
}

function vulnerabilityFinding(v: Vulnerability): DependencyFinding {
  const a = v.advisory;
  const ids = [a.id, ...a.aliases.filter((x) => x.startsWith('CVE-')).slice(0, 3)].join(', ');
  const fix = a.fixed.length > 0 ? `fixed in ${a.fixed.slice(0, 5).join(', ')}` : 'no fixed version published';
  if (a.malicious) {
    return finding(DEPS_RULES['malicious-package'], `${v.package} ${v.version} (${v.ecosystem}) is a known malicious package (${ids})${a.summary ? `: ${a.summary}` : ''}`, {
      fragment: clip(`${v.package}@${v.version}`),
      line: v.line,
    });
  }
  return finding(DEPS_RULES.vulnerable, `${v.package} ${v.version} (${v.ecosystem}) is affected by ${ids}${a.summary ? `: ${a.summary}` : ''}; ${fix}`, {
    severity: a.severity,
    fragment: clip(`${v.package}@${v.version}`),
    line: v.line,
  });
}

function finding(
  rule: (typeof DEPS_RULES)[keyof typeof DEPS_RULES],
  message: string,
  extra: { severity?: ScanFinding['severity']; fragment?: string; line?: number | undefined } = {},
): DependencyFinding {
  const f: DependencyFinding = { rule: rule.id, verdict: rule.verdict, severity: extra.severity ?? rule.severity, message, tags: rule.tags };
  if (extra.fragment !== undefined) f.fragment = extra.fragment;
  if (extra.line !== undefined) f.line = extra.line;
  return f;
}

function clip(s: string): string {
  return s.length <= 200 ? s : `${s.slice(0, 199)}…`;
}
