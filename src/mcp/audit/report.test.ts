// Output of the MCP audit: the JSON shape of the issue, a terminal-safe table, and a SARIF 2.1.0 log that validates
// against the schema copy of the eval reports, with rules per check and results at the configuration's lines.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AuditReport, ConfiguredServer, ServerReport } from '../types.js';
import { runAudit } from './audit.js';
import { finding } from './checks.js';
import { buildSarif, renderJson, renderTable } from './report.js';
import { sarifValidator } from '../../../test/fixtures/sarif-validator.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/mcp/', import.meta.url));
const validate = sarifValidator();

const hostile = 'evil\u001b[31m\u202ename';
const report: AuditReport = {
  servers: [
    {
      name: hostile,
      source: 'cursor:/home/me/.cursor/mcp.json',
      findings: [
        finding('secrets.plaintext-env', `env X holds a secret in plain text: ghp_… (40 chars) ${hostile}`, '/home/me/.cursor/mcp.json#/mcpServers/evil/env/X'),
        finding('descriptions.hidden-directive', 'description of tool "add": hidden directive', 'tool:add'),
        { check: 'auth.unauthenticated-tools', severity: 'high', message: 'tools listed without a token', location: 'url', tags: { owaspMcp: ['MCP07'] } },
      ],
      live: { reached: true, tools: 3, prompts: 0, resources: 1 },
    },
    { name: 'clean', source: 'vscode:/work/.vscode/mcp.json', findings: [] },
  ],
  errors: [{ path: '/work/broken.json', message: 'unexpected end of the document at line 3, column 1' }],
};

describe('MCP audit reports', () => {
  it('prints the JSON of the issue: servers with name, source, findings (check, severity, message, location, tags), live; errors', () => {
    const json = JSON.parse(renderJson(report)) as { servers: Record<string, unknown>[]; errors: unknown[] };
    expect(Object.keys(json)).toEqual(['servers', 'errors']);
    expect(Object.keys(json.servers[0]!)).toEqual(['name', 'source', 'findings', 'live']);
    expect(Object.keys(json.servers[1]!)).toEqual(['name', 'source', 'findings']);
    expect(Object.keys((json.servers[0]!.findings as object[])[0]!)).toEqual(['check', 'severity', 'message', 'location', 'tags']);
    expect(json.errors).toEqual(report.errors);
  });

  it('prints a table that no configuration can use to repaint the terminal', () => {
    const table = renderTable(report, { home: '/home/me' });
    expect(table).not.toMatch(/[\u001b\u202e]/);
    expect(table).toContain('evil\\u{1b}[31m\\u{202e}name');
    expect(table).toContain('~/.cursor/mcp.json');
    expect(table).toContain('[live: 3 tools]');
    expect(table).toContain('errors:\n  /work/broken.json: unexpected end of the document');
    expect(table.trimEnd().split('\n').pop()).toBe('2 servers in 2 configurations: 3 findings (3 high); 1 error');
    const colored = renderTable(report, { color: true });
    expect(colored).toContain('\x1b[31m');
  });

  it('writes valid SARIF 2.1.0 for the fixtures, results at the line of each server entry', async () => {
    const run = await runAudit({ configs: [join(FIXTURES, 'project/.cursor/mcp.json'), join(FIXTURES, 'project/.mcp.json')], tools: join(FIXTURES, 'tools.json') });
    const sarif = buildSarif(run.report, { root: FIXTURES, entryOf: (s) => run.entries.get(s) });
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const r = (sarif.runs as { tool: { driver: { rules: { id: string; help: { text: string }; properties: { tags: string[] } }[] } }; results: Record<string, unknown>[] }[])[0]!;
    const ids = r.tool.driver.rules.map((x) => x.id);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toContain('secrets.plaintext-headers');
    for (const rule of r.tool.driver.rules) {
      expect(rule.help.text.length).toBeGreaterThan(20);
      expect(rule.properties.tags).toEqual(expect.arrayContaining(['security', 'mcp']));
      expect(rule.properties.tags.some((t) => /^MCP\d\d$/.test(t))).toBe(true);
    }
    const crm = r.results.find((x) => x.ruleId === 'secrets.plaintext-headers') as { locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number } } }[] };
    expect(crm.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'project/.cursor/mcp.json', uriBaseId: '%SRCROOT%' }, region: { startLine: 7 } });
    const poisoned = r.results.find((x) => x.ruleId === 'descriptions.hidden-directive') as { locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }; logicalLocations: { name: string }[] }[] };
    expect(poisoned.locations[0]!.physicalLocation.artifactLocation.uri).toBe('project/.mcp.json');
    expect(poisoned.locations[0]!.physicalLocation.region.startLine).toBe(12);
    expect(poisoned.locations[0]!.logicalLocations[0]!.name).toBe('tool:add');
    // Fingerprints are stable and distinct.
    const again = buildSarif(run.report, { root: FIXTURES, entryOf: (s) => run.entries.get(s) });
    expect(JSON.stringify(again)).toBe(JSON.stringify(sarif));
    const prints = r.results.map((x) => (x.partialFingerprints as Record<string, string>)['bulwarkMcpFinding/v1']);
    expect(new Set(prints).size).toBe(prints.length);
  });

  it('describes unknown checks from their findings and sanitises text from configurations', () => {
    const entry = { source: { client: 'cursor', path: '/home/me/.cursor/mcp.json', scope: 'user' }, line: 4 } as Pick<ConfiguredServer, 'source' | 'line'>;
    const sarif = buildSarif(report, { root: '/home/me', entryOf: (s: ServerReport) => (s.name === hostile ? entry : undefined) });
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const text = JSON.stringify(sarif);
    expect(text).not.toMatch(/[\u001b\u202e]/);
    const rules = (sarif.runs as { tool: { driver: { rules: { id: string; shortDescription: { text: string } }[] } } }[])[0]!.tool.driver.rules;
    expect(rules.find((x) => x.id === 'auth.unauthenticated-tools')!.shortDescription.text).toBe('auth.unauthenticated-tools');
  });
});
