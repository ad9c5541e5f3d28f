// Tests of the SARIF report: valid against the SARIF 2.1.0 schema (trimmed copy, checked with ajv), rules, taxonomies, results.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderSarif } from './sarif.js';
import { result, sampleReport } from './testdata/sample-report.js';
import { sarifValidator } from '../../../test/fixtures/sarif-validator.js';

const validate = sarifValidator();

interface SarifLog {
  runs: {
    tool: { driver: { rules: { id: string; defaultConfiguration: { level: string }; relationships: { target: { id: string; index: number; toolComponent: { name: string; index: number } } }[]; properties: { tags: string[]; 'security-severity': string } }[] } };
    taxonomies: { name: string; taxa: { id: string; name: string }[] }[];
    results: { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { physicalLocation?: { artifactLocation: { uri: string } } }[]; properties: { failedRuns: number; runs: number } }[];
  }[];
}

describe('renderSarif', () => {
  it('validates against the SARIF 2.1.0 schema', () => {
    const log = JSON.parse(renderSarif(sampleReport(), { suiteUri: 'evals/owasp.yaml', toolVersion: '0.1.0' })) as unknown;
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // The schema is not vacuous: a wrong level or a result without a message is refused.
    const bad = JSON.parse(JSON.stringify(log)) as { runs: { results: Record<string, unknown>[] }[] };
    const first = bad.runs[0]?.results[0] as Record<string, unknown>;
    first.level = 'critical';
    expect(validate(bad)).toBe(false);
    delete first.message;
    first.level = 'error';
    expect(validate(bad)).toBe(false);
  });

  it('has a rule per category with taxonomy relations, and a result per failed case and target', () => {
    const log = JSON.parse(renderSarif(sampleReport(), { suiteUri: 'evals/owasp.yaml' })) as SarifLog;
    const run = log.runs[0];
    if (!run) throw new Error('no run');
    const rules = run.tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual(['hallucination', 'jailbreak/<b>role-play</b>', 'over-refusal', 'prompt-injection/direct']);
    const pi = rules[3];
    expect(pi?.defaultConfiguration.level).toBe('error');
    expect(pi?.properties.tags).toEqual(['security', 'llm', 'attack', 'LLM01:2025', 'AML.T0051.000', 'NIST-600-1:2.9']);
    expect(pi?.properties['security-severity']).toBe('8.0');
    // Each relation points at an existing taxon of an existing taxonomy.
    for (const rel of pi?.relationships ?? []) {
      const tax = run.taxonomies[rel.target.toolComponent.index];
      expect(tax?.name).toBe(rel.target.toolComponent.name);
      expect(tax?.taxa[rel.target.index]?.id).toBe(rel.target.id);
    }
    expect(run.taxonomies.map((t) => t.name)).toEqual(['OWASP LLM 2025', 'MITRE ATLAS', 'NIST AI 600-1']);
    expect(run.taxonomies[0]?.taxa).toHaveLength(10);
    expect(rules[2]?.defaultConfiguration.level).toBe('note'); // over-refusal control: low
    // Failures only: pi/aaaa, jb/cccc, or/dddd; the error and the unscored case are not findings.
    expect(run.results.map((r) => r.ruleId)).toEqual(['jailbreak/<b>role-play</b>', 'over-refusal', 'prompt-injection/direct']);
    const piResult = run.results[2];
    expect(piResult?.properties).toMatchObject({ failedRuns: 1, runs: 2 });
    expect(piResult?.message.text).toContain('attack succeeded against naive in 1 of 2 run(s)');
    expect(piResult?.locations[0]?.physicalLocation?.artifactLocation.uri).toBe('evals/owasp.yaml');
    expect(run.results.every((r) => rules[r.ruleIndex]?.id === r.ruleId)).toBe(true);
  });

  it('stays valid JSON and valid SARIF whatever the texts contain', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 120 }), (cat, text) => {
        const report = sampleReport({ results: [result('x/1', cat, 'attack', 'fail', 0, text)] });
        expect(validate(JSON.parse(renderSarif(report)))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
