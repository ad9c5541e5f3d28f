// `bulwark scan --sarif out.sarif`: SARIF 2.1.0 for code-scanning UIs. A rule per rule id met (help, taxonomy tags,
// GitHub's security-severity), a result per finding, located at the file (relative to the scan root, %SRCROOT%),
// with the archive member as a logical location and the byte offset as a region when it lies in the file itself.
import { createHash } from 'node:crypto';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { safeForTerminal } from '../../cli/output.js';
import type { Severity } from '../../core/severity.js';
import type { TaxonomyTags } from '../../core/taxonomy/index.js';
import { BULWARK_VERSION } from '../../core/version.js';
import { securitySeverity } from '../../probe/reports/severity.js';
import type { RuleCatalog } from '../rule-catalog.js';
import type { ScanRule } from '../rules.js';
import type { FileScanResult, FindingVerdict, ScanFinding } from '../types.js';
import { describeFinding } from './describe.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const SRCROOT = '%SRCROOT%';

export interface SarifOptions {
  /** Folder that artifact URIs are relative to (as %SRCROOT%); default the working directory. */
  root?: string;
  /** Folder that relative result paths resolve against; default `root`. */
  cwd?: string;
  /** Suspicious findings are errors (as the verdicts of --strict). */
  strict?: boolean;
  /** Rule metadata (help, titles); rules it lacks are described from their findings. */
  catalog?: Pick<RuleCatalog, 'byId'>;
  toolVersion?: string;
}

type Level = 'error' | 'warning' | 'note';

function levelOf(v: FindingVerdict, strict: boolean): Level {
  if (v === 'malicious' || v === 'error') return 'error';
  if (v === 'suspicious') return strict ? 'error' : 'warning';
  return 'note';
}

function tagIds(tags: TaxonomyTags): string[] {
  return Object.values(tags).flatMap((ids) => [...(ids ?? [])]);
}

/** One SARIF log for the results of a scan. */
export function renderSarif(files: readonly FileScanResult[], options: SarifOptions = {}): string {
  return `${JSON.stringify(buildSarif(files, options), null, 2)}\n`;
}

export function buildSarif(files: readonly FileScanResult[], options: SarifOptions = {}): Record<string, unknown> {
  const root = resolve(options.root ?? process.cwd());
  const cwd = resolve(options.cwd ?? root);
  const strict = options.strict === true;

  // Rules met, in id order; a rule unknown to the catalog is described by its first finding.
  const used = new Map<string, ScanRule>();
  for (const f of files) {
    for (const finding of f.findings) {
      if (used.has(finding.rule)) continue;
      used.set(finding.rule, options.catalog?.byId(finding.rule) ?? ruleFromFinding(finding));
    }
  }
  const ids = [...used.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const ruleIndex = new Map(ids.map((id, i) => [id, i]));
  const rules = ids.map((id) => ruleJson(used.get(id)!, strict));

  const results: Record<string, unknown>[] = [];
  for (const f of files) {
    const artifact = artifactLocation(f.path, root, cwd);
    for (const finding of f.findings) results.push(resultJson(f, finding, artifact, ruleIndex.get(finding.rule)!, strict));
  }

  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: { name: 'Bulwark', version: options.toolVersion ?? BULWARK_VERSION, rules },
        },
        invocations: [{ executionSuccessful: true }],
        results,
      },
    ],
  };
}

function ruleFromFinding(f: ScanFinding): ScanRule {
  return { id: f.rule, verdict: f.verdict, severity: f.severity, title: f.rule, help: f.message, tags: f.tags };
}

function ruleJson(rule: ScanRule, strict: boolean): Record<string, unknown> {
  return {
    id: rule.id,
    name: rule.id,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.help },
    help: { text: rule.help },
    defaultConfiguration: { level: levelOf(rule.verdict, strict) },
    properties: {
      tags: ['security', 'model-file', ...tagIds(rule.tags)],
      'security-severity': sarifSecuritySeverity(rule.severity),
      verdict: rule.verdict,
      severity: rule.severity,
    },
  };
}

/** GitHub's `security-severity` (0.1–10.0, as a string): ≥ 9 critical, 7–8.9 high, 4–6.9 medium, below low. */
export function sarifSecuritySeverity(s: Severity): string {
  return securitySeverity(s);
}

interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

/** The file relative to the root as a URI reference (segments percent-encoded), or a file: URI outside it. */
export function artifactLocation(path: string, root: string, cwd: string = root): ArtifactLocation {
  const abs = resolve(cwd, path);
  const rel = relative(root, abs);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return { uri: pathToFileURL(abs).href };
  return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function resultJson(file: FileScanResult, f: ScanFinding, artifact: ArtifactLocation, ruleIndex: number, strict: boolean): Record<string, unknown> {
  const physicalLocation: Record<string, unknown> = { artifactLocation: artifact };
  // A byte offset names a place in the file only when the finding is not inside a member.
  // Dependency findings name a line of their manifest.
  if (f.member === undefined && f.line !== undefined && Number.isInteger(f.line) && f.line >= 1) physicalLocation.region = { startLine: f.line };
  else if (f.member === undefined && f.offset !== undefined) physicalLocation.region = { byteOffset: f.offset };
  const location: Record<string, unknown> = { physicalLocation };
  if (f.member !== undefined) {
    const leaf = f.member.slice(f.member.lastIndexOf('!') + 1);
    location.logicalLocations = [{ name: clean(leaf), fullyQualifiedName: clean(`${file.path}!${f.member}`), kind: 'resource' }];
  }
  const properties: Record<string, unknown> = { verdict: f.verdict, severity: f.severity, fileVerdict: file.verdict, format: file.format };
  if (f.global !== undefined) properties.global = clean(f.global);
  if (f.fragment !== undefined) properties.fragment = clean(f.fragment);
  if (f.member !== undefined) properties.member = clean(f.member);
  if (f.offset !== undefined) properties.offset = f.offset;
  if (file.sha256 !== undefined) properties.sha256 = file.sha256;
  return {
    ruleId: f.rule,
    ruleIndex,
    level: levelOf(f.verdict, strict),
    message: { text: messageText(f) },
    locations: [location],
    partialFingerprints: { 'bulwarkFinding/v1': fingerprint(file.path, f) },
    properties,
  };
}

/** The finding in one sentence: message, global or fragment, member and offset. */
function messageText(f: ScanFinding): string {
  return clean(describeFinding(f, 'in member'));
}

/** Text from a file, made visible: control, bidi and invisible characters as \u{..} escapes. */
function clean(s: string): string {
  return safeForTerminal(s);
}

/** Stable across runs for the same finding in the same file: code-scanning UIs match alerts with it. */
function fingerprint(path: string, f: ScanFinding): string {
  const key = [f.rule, path.split(sep).join('/'), f.member ?? '', f.global ?? '', f.fragment ?? ''].join('\u0000');
  return createHash('sha256').update(key).digest('hex');
}
