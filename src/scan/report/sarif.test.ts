// Tests of the scan SARIF log: valid SARIF 2.1.0 (the schema copy of the eval reports, checked with ajv), rules with
// help, tags and security-severity, results located relative to the root, members and offsets, hostile text.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMON_RULES } from '../rules.js';
import { buildRuleCatalog } from '../rule-catalog.js';
import { FAKE_RULES } from '../testdata/fake-formats.js';
import type { FileScanResult, ScanFinding } from '../types.js';
import { artifactLocation, renderSarif } from './sarif.js';
import { sarifValidator } from '../../../test/fixtures/sarif-validator.js';

const validate = sarifValidator();

const finding = (rule: { id: string; verdict: ScanFinding['verdict']; severity: ScanFinding['severity']; tags: ScanFinding['tags'] }, extra: Partial<ScanFinding> = {}): ScanFinding => ({
  rule: rule.id,
  verdict: rule.verdict,
  severity: rule.severity,
  message: 'something',
  tags: rule.tags,
  ...extra,
});

const ROOT = resolve('/repo');
const files: FileScanResult[] = [
  {
    path: 'models/evil model.pt',
    format: 'pytorch-zip',
    verdict: 'malicious',
    findings: [
      finding(FAKE_RULES.bad, { global: 'os.system', member: 'archive/data.pkl', offset: 52, message: 'calls a dangerous global' }),
      finding(FAKE_RULES.odd, { global: 'x.\u001b[31mred\u202e', message: 'unknown global' }),
    ],
    bytes: 100,
    durationMs: 1,
    sha256: 'ab'.repeat(32),
  },
  { path: 'models/clean.safetensors', format: 'safetensors', verdict: 'clean', findings: [], bytes: 10, durationMs: 1 },
  { path: 'broken.pkl', format: 'pickle', verdict: 'error', findings: [finding(COMMON_RULES.truncated, { offset: 9 })], bytes: 10, durationMs: 1 },
  { path: '/elsewhere/x.npy', format: 'numpy', verdict: 'suspicious', findings: [finding(FAKE_RULES.note), finding({ id: 'unknown.rule', verdict: 'suspicious', severity: 'low', tags: {} })], bytes: 1, durationMs: 1 },
];
const catalog = buildRuleCatalog([COMMON_RULES, FAKE_RULES]);

interface Log {
  runs: {
    tool: { driver: { name: string; version: string; rules: { id: string; shortDescription: { text: string }; help: { text: string }; defaultConfiguration: { level: string }; properties: { tags: string[]; 'security-severity': string } }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { byteOffset: number } }; logicalLocations?: { name: string; fullyQualifiedName: string }[] }[];
      partialFingerprints: Record<string, string>;
    }[];
  }[];
}

describe('scan SARIF', () => {
  const text = renderSarif(files, { root: ROOT, catalog, toolVersion: '9.9.9' });
  const log = JSON.parse(text) as Log;
  const run = log.runs[0]!;

  it('validates against the SARIF 2.1.0 schema (which is not vacuous)', () => {
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const bad = JSON.parse(text) as Log;
    (bad.runs[0]!.results[0] as unknown as Record<string, unknown>).level = 'critical';
    expect(validate(bad)).toBe(false);
  });

  it('names the tool and describes each rule met once, sorted, with help, tags and security-severity', () => {
    expect(run.tool.driver.name).toBe('Bulwark');
    expect(run.tool.driver.version).toBe('9.9.9');
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(['fake.bad', 'fake.note', 'fake.odd', 'scan.truncated', 'unknown.rule']);
    const bad = run.tool.driver.rules[0]!;
    expect(bad.properties.tags).toEqual(expect.arrayContaining(['security', 'LLM03:2025', 'AML.T0010.003', 'AML.T0018.002']));
    expect(bad.properties['security-severity']).toBe('9.5');
    expect(bad.defaultConfiguration.level).toBe('error');
    expect(run.tool.driver.rules[3]!.help.text).toBe(COMMON_RULES.truncated.help);
    // A rule missing from the catalog is still described.
    expect(run.tool.driver.rules[4]!.defaultConfiguration.level).toBe('warning');
  });

  it('gives a result per finding, with levels by verdict and rule indexes that point at the rule', () => {
    expect(run.results.map((r) => [r.ruleId, r.level])).toEqual([
      ['fake.bad', 'error'],
      ['fake.odd', 'warning'],
      ['scan.truncated', 'error'],
      ['fake.note', 'note'],
      ['unknown.rule', 'warning'],
    ]);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
    const strict = JSON.parse(renderSarif(files, { root: ROOT, catalog, strict: true })) as Log;
    expect(strict.runs[0]!.results[1]!.level).toBe('error');
  });

  it('locates results relative to the root, with the member as a logical location and file offsets as regions', () => {
    const [member, plain, truncated, , outside] = run.results;
    expect(member!.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'models/evil%20model.pt', uriBaseId: '%SRCROOT%' });
    expect(member!.locations[0]!.physicalLocation.region).toBeUndefined();
    expect(member!.locations[0]!.logicalLocations).toEqual([{ name: 'archive/data.pkl', fullyQualifiedName: 'models/evil model.pt!archive/data.pkl', kind: 'resource' }]);
    expect(member!.message.text).toBe('calls a dangerous global (global os.system, in member archive/data.pkl, at byte 52)');
    expect(plain!.locations[0]!.logicalLocations).toBeUndefined();
    expect(truncated!.locations[0]!.physicalLocation.region).toEqual({ byteOffset: 9 });
    expect(truncated!.message.text).toBe('something (at byte 9)');
    expect(outside!.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'file:///elsewhere/x.npy' });
  });

  it('makes hostile text visible and gives stable fingerprints', () => {
    const odd = run.results[1]!;
    expect(odd.message.text).toBe('unknown global (global x.\\u{1b}[31mred\\u{202e})');
    expect(text).not.toMatch(/[\u001b\u202e]/);
    const again = JSON.parse(renderSarif(files, { root: ROOT, catalog })) as Log;
    expect(again.runs[0]!.results.map((r) => r.partialFingerprints)).toEqual(run.results.map((r) => r.partialFingerprints));
    expect(new Set(run.results.map((r) => r.partialFingerprints['bulwarkFinding/v1'])).size).toBe(run.results.length);
  });

  it('points dependency findings at their manifest line', () => {
    const manifest: FileScanResult = {
      path: 'requirements.txt',
      format: 'unknown',
      verdict: 'suspicious',
      findings: [{ ...finding(FAKE_RULES.odd), line: 3 } as ScanFinding],
      bytes: 20,
      durationMs: 0,
    };
    const out = JSON.parse(renderSarif([manifest], { root: ROOT })) as Log & { runs: { results: { locations: { physicalLocation: { region?: unknown } }[] }[] }[] };
    expect(validate(out)).toBe(true);
    expect(out.runs[0]!.results[0]!.locations[0]!.physicalLocation.region).toEqual({ startLine: 3 });
  });

  it('writes a valid log for a clean scan', () => {
    const clean = JSON.parse(renderSarif([files[1]!], { root: ROOT })) as Log;
    expect(validate(clean)).toBe(true);
    expect(clean.runs[0]!.results).toEqual([]);
  });

  it('builds artifact URIs from relative and absolute paths', () => {
    expect(artifactLocation(join(ROOT, 'a', 'b#c.pt'), ROOT)).toEqual({ uri: 'a/b%23c.pt', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('../up.pt', ROOT, join(ROOT, 'sub'))).toEqual({ uri: 'up.pt', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('/other/up.pt', ROOT).uri).toBe('file:///other/up.pt');
  });
});
