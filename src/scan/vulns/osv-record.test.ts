// Reading OSV records leniently: severity sources, withdrawn and foreign records, hostile shapes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAdvisory } from './osv-record.js';
import { GO_RECORD, KERAS_V4_ONLY, MALICIOUS_NPM, MLFLOW_LAST_AFFECTED, RAY_WITHDRAWN, TORCH_LOAD, TRANSFORMERS_PYSEC, VLLM_RANGES } from './testdata/advisories.js';

describe('readAdvisory', () => {
  it('keeps id, aliases, summary, the advisory URL and the ranges', () => {
    const r = readAdvisory(TORCH_LOAD);
    expect(r).toMatchObject({
      id: 'GHSA-53qx-fx02-t0rc',
      aliases: ['CVE-2099-10002'],
      summary: 'torch.load with weights_only=True leads to remote code execution',
      severity: 'critical',
      url: 'https://nvd.nist.gov/vuln/detail/CVE-2099-10002',
      malicious: false,
    });
    expect(r?.affected).toEqual([
      { ecosystem: 'PyPI', name: 'torch', versions: [], ranges: [{ type: 'ECOSYSTEM', events: [{ kind: 'introduced', version: '0' }, { kind: 'fixed', version: '2.6.0' }] }] },
    ]);
  });

  it('takes severity from GitHub\'s rating, else the CVSS v3 score, else medium', () => {
    expect(readAdvisory(MLFLOW_LAST_AFFECTED)?.severity).toBe('medium'); // MODERATE; its CVSS v4 vector is not scored
    expect(readAdvisory(VLLM_RANGES)?.severity).toBe('high'); // CVSS 8.8
    expect(readAdvisory(KERAS_V4_ONLY)?.severity).toBe('medium');
    expect(readAdvisory(TRANSFORMERS_PYSEC)?.severity).toBe('medium');
  });

  it('summarises from the first line of details and falls back to the FIX link or osv.dev', () => {
    const r = readAdvisory(TRANSFORMERS_PYSEC);
    expect(r?.summary).toBe('Transformers loads pickled checkpoints without restriction, which allows code execution.');
    expect(r?.url).toBe('https://github.com/huggingface/transformers/commit/abc');
    expect(readAdvisory(KERAS_V4_ONLY)?.url).toBe('https://osv.dev/vulnerability/PYSEC-2099-106');
  });

  it('marks malicious-package records and rates them critical', () => {
    expect(readAdvisory(MALICIOUS_NPM)).toMatchObject({ malicious: true, severity: 'critical' });
  });

  it('drops withdrawn records, records of other ecosystems, GIT-only ranges and non-records', () => {
    expect(readAdvisory(RAY_WITHDRAWN)).toBeUndefined();
    expect(readAdvisory(GO_RECORD)).toBeUndefined();
    expect(readAdvisory({ id: 'X', affected: [{ package: { ecosystem: 'PyPI', name: 'x' }, ranges: [{ type: 'GIT', repo: 'r', events: [{ introduced: 'abc' }] }] }] })).toBeUndefined();
    for (const v of [null, 1, 'x', [], {}, { id: '' }, { id: 'A', affected: 'nope' }]) expect(readAdvisory(v)).toBeUndefined();
  });

  it('reads every key of an event that breaks the one-key rule, and ignores wrong types', () => {
    const r = readAdvisory({
      id: 'A',
      affected: [{ package: { ecosystem: 'pypi', name: 'x' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0', fixed: '2.0' }, { fixed: 3 }, null] }], versions: ['1', 2] }],
    });
    expect(r?.affected[0]).toEqual({
      ecosystem: 'PyPI',
      name: 'x',
      versions: ['1'],
      ranges: [{ type: 'ECOSYSTEM', events: [{ kind: 'introduced', version: '1.0' }, { kind: 'fixed', version: '2.0' }] }],
    });
  });

  it('bounds the summary', () => {
    expect(readAdvisory({ ...TORCH_LOAD, summary: 'x'.repeat(10_000) })?.summary.length).toBe(300);
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        readAdvisory(v);
        readAdvisory({ id: 'A', affected: v });
        readAdvisory({ id: 'A', affected: [{ package: { ecosystem: 'npm', name: 'x' }, ranges: v }] });
      }),
      { numRuns: 500 },
    );
  });
});
