// Output of `bulwark mcp audit`: a table for a person (every string from a configuration or a server made safe
// for the terminal), the JSON report as the issue defines it, and a SARIF 2.1.0 log for code-scanning UIs (a rule
// per check with help and tags, results located at the configuration file and the line of the server entry).
import { createHash } from 'node:crypto';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { safeForTerminal } from '../../cli/output.js';
import { SEVERITIES, severityRank, type Severity } from '../../core/severity.js';
import type { TaxonomyTags } from '../../core/taxonomy/index.js';
import { BULWARK_VERSION } from '../../core/version.js';
import { sarifLevel, securitySeverity } from '../../probe/reports/severity.js';
import { artifactLocation, SARIF_SCHEMA_URI } from '../../scan/report/sarif.js';
import type { AuditReport, ConfiguredServer, McpFinding, ServerReport } from '../types.js';
import { CHECKS, type CheckInfo } from './checks.js';

/** The JSON of `--json`: `{"servers": [{name, source, findings: [{check, severity, message, location, tags}], live?}], "errors": [...]}`. */
export function renderJson(report: AuditReport): string {
  const servers = report.servers.map((s) => ({
    name: s.name,
    source: s.source,
    findings: s.findings.map((f) => ({ check: f.check, severity: f.severity, message: f.message, location: f.location, tags: f.tags })),
    ...(s.live ? { live: s.live } : {}),
  }));
  return `${JSON.stringify({ servers, errors: report.errors }, null, 2)}\n`;
}

export interface TableOptions {
  color?: boolean;
  /** Paths under it are shown as `~/…`. */
  home?: string;
  /** Findings below this severity are counted but not listed (default: all listed). */
  minListed?: Severity;
}

const COLORS: Record<Severity | 'dim', string> = { critical: '31;1', high: '31', medium: '33', low: '36', info: '2', dim: '2' };
const SHORT: Record<Severity, string> = { critical: 'CRIT', high: 'HIGH', medium: 'MED', low: 'LOW', info: 'INFO' };

function shortPath(text: string, home: string | undefined): string {
  if (!home) return text;
  const h = home.endsWith(sep) ? home.slice(0, -1) : home;
  return text.split(`${h}${sep}`).join(`~${sep}`);
}

function counts(findings: readonly McpFinding[]): Record<Severity, number> {
  const c: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}

/** One block per server (counts by severity, then its findings), the errors, and a summary line. */
export function renderTable(report: AuditReport, options: TableOptions = {}): string {
  const paint = (what: Severity | 'dim', text: string) => (options.color ? `\x1b[${COLORS[what]}m${text}\x1b[0m` : text);
  const order = [...SEVERITIES].reverse();
  const minListed = severityRank(options.minListed ?? 'info');
  const safe = (s: string) => safeForTerminal(shortPath(s, options.home));
  const nameWidth = Math.min(32, Math.max(6, ...report.servers.map((s) => safeForTerminal(s.name).length)));
  const lines: string[] = [];
  if (report.servers.length > 0) {
    lines.push(paint('dim', `${'SERVER'.padEnd(nameWidth)}  ${order.map((s) => SHORT[s].padStart(4)).join(' ')}  SOURCE`));
  }
  for (const s of report.servers) {
    const c = counts(s.findings);
    const cells = order.map((sev) => (c[sev] > 0 ? paint(sev, String(c[sev]).padStart(4)) : paint('dim', '·'.padStart(4)))).join(' ');
    const live = s.live ? (s.live.reached ? paint('dim', `  [live: ${s.live.tools ?? 0} tools]`) : paint('dim', `  [live: not reached${s.live.error ? `: ${safe(s.live.error)}` : ''}]`)) : '';
    lines.push(`${safeForTerminal(s.name).padEnd(nameWidth)}  ${cells}  ${safe(s.source)}${live}`);
    for (const f of s.findings) {
      if (severityRank(f.severity) < minListed) continue;
      lines.push(`    ${paint(f.severity, f.severity.padEnd(8))} ${safe(f.check)}: ${safe(f.message)}`);
      lines.push(paint('dim', `             at ${safe(f.location)}`));
    }
  }
  if (report.errors.length > 0) {
    lines.push('', 'errors:');
    for (const e of report.errors) lines.push(`  ${safe(e.path)}: ${safe(e.message)}`);
  }
  const all = report.servers.flatMap((s) => s.findings);
  const c = counts(all);
  const bySeverity = order.filter((s) => c[s] > 0).map((s) => `${c[s]} ${s}`);
  const files = new Set(report.servers.map((s) => s.source.replace(/#.*$/, ''))).size;
  if (lines.length > 0) lines.push('');
  lines.push(
    `${report.servers.length} server${report.servers.length === 1 ? '' : 's'} in ${files} configuration${files === 1 ? '' : 's'}: ` +
      `${all.length} finding${all.length === 1 ? '' : 's'}${bySeverity.length > 0 ? ` (${bySeverity.join(', ')})` : ''}` +
      `${report.errors.length > 0 ? `; ${report.errors.length} error${report.errors.length === 1 ? '' : 's'}` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

export interface SarifOptions {
  /** Artifact URIs are relative to it (%SRCROOT%); default the working directory. */
  root?: string;
  /** The configuration entry of each server report (path and line of the results). */
  entryOf?: (server: ServerReport) => Pick<ConfiguredServer, 'source' | 'line'> | undefined;
  /** Check descriptions for the rules (default the static checks); unknown ids are described from their findings. */
  catalog?: readonly CheckInfo[];
  toolVersion?: string;
}

const tagIds = (tags: TaxonomyTags): string[] => Object.values(tags).flatMap((ids) => [...(ids ?? [])]);

function ruleJson(rule: CheckInfo): Record<string, unknown> {
  return {
    id: rule.id,
    name: rule.id,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.help },
    help: { text: rule.help },
    defaultConfiguration: { level: sarifLevel(rule.severity) },
    properties: { tags: ['security', 'mcp', ...tagIds(rule.tags)], 'security-severity': securitySeverity(rule.severity), severity: rule.severity },
  };
}

/** The file a finding is located in: its own `path#pointer` when it names one, else the server's configuration. */
function fileOf(f: McpFinding, entry: Pick<ConfiguredServer, 'source'> | undefined): { path?: string; pointer?: string } {
  const m = /^(.*)#(\/.*)$/.exec(f.location);
  if (m && isAbsolute(m[1]!)) return { path: m[1]!, pointer: m[2]! };
  return entry ? { path: entry.source.path } : {};
}

export function buildSarif(report: AuditReport, options: SarifOptions = {}): Record<string, unknown> {
  const root = resolve(options.root ?? process.cwd());
  const catalog = new Map((options.catalog ?? CHECKS).map((c) => [c.id, c]));
  const used = new Map<string, CheckInfo>();
  for (const s of report.servers) {
    for (const f of s.findings) {
      if (!used.has(f.check)) used.set(f.check, catalog.get(f.check) ?? { id: f.check, title: f.check, help: f.message, severity: f.severity, tags: f.tags });
    }
  }
  const ids = [...used.keys()].sort();
  const ruleIndex = new Map(ids.map((id, i) => [id, i]));
  const results: Record<string, unknown>[] = [];
  for (const s of report.servers) {
    const entry = options.entryOf?.(s);
    for (const f of s.findings) {
      const { path, pointer } = fileOf(f, entry);
      const location: Record<string, unknown> = {};
      if (path !== undefined) {
        const physical: Record<string, unknown> = { artifactLocation: artifactLocation(path, root) };
        if (entry?.line !== undefined && entry.line >= 1 && path === entry.source.path) physical.region = { startLine: entry.line };
        location.physicalLocation = physical;
      }
      const logicalName = pointer ?? f.location;
      location.logicalLocations = [{ name: safeForTerminal(logicalName), fullyQualifiedName: safeForTerminal(`${s.name}/${logicalName}`), kind: pointer ? 'member' : 'function' }];
      results.push({
        ruleId: f.check,
        ruleIndex: ruleIndex.get(f.check)!,
        level: sarifLevel(f.severity),
        message: { text: safeForTerminal(`${s.name}: ${f.message}`) },
        locations: [location],
        partialFingerprints: { 'bulwarkMcpFinding/v1': fingerprint(s, f, path, root) },
        properties: { severity: f.severity, server: safeForTerminal(s.name), source: safeForTerminal(s.source), location: safeForTerminal(f.location) },
      });
    }
  }
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Bulwark', version: options.toolVersion ?? BULWARK_VERSION, rules: ids.map((id) => ruleJson(used.get(id)!)) } },
        invocations: [{ executionSuccessful: report.errors.length === 0 }],
        results,
      },
    ],
  };
}

export function renderSarif(report: AuditReport, options: SarifOptions = {}): string {
  return `${JSON.stringify(buildSarif(report, options), null, 2)}\n`;
}

/** Stable across runs for the same finding of the same server in the same file (code-scanning UIs match alerts by it). */
function fingerprint(s: ServerReport, f: McpFinding, path: string | undefined, root: string): string {
  const file = path === undefined ? '' : relative(root, path).split(sep).join('/');
  const location = path === undefined ? f.location : f.location.split(path).join(file);
  return createHash('sha256').update([f.check, s.name, file, location].join('\u0000')).digest('hex');
}
