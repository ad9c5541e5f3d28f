// Verdicts and the exit outcome of a scan: the worst finding decides a file; the outcome sees every finding.
import { describe, expect, it } from 'vitest';
import { COMMON_RULES } from './rules.js';
import type { FileScanResult, ScanFinding } from './types.js';
import { outcomeOf, verdictOf } from './verdict.js';

const finding = (verdict: ScanFinding['verdict']): ScanFinding => ({ rule: `test.${verdict}`, verdict, severity: 'medium', message: verdict, tags: {} });
const file = (...verdicts: ScanFinding['verdict'][]): FileScanResult => {
  const findings = verdicts.map(finding);
  return { path: 'f', format: 'pickle', verdict: verdictOf(findings, false), findings, bytes: 1, durationMs: 0 };
};

describe('outcomeOf', () => {
  it('is clean for clean files and info findings', () => {
    expect(outcomeOf([file(), file('info')])).toEqual({ flagged: false, failed: false });
  });

  it('flags a suspicious or malicious finding even in a file whose verdict is error (lock drift on a broken file)', () => {
    const broken = file('error', 'suspicious');
    expect(broken.verdict).toBe('error');
    expect(outcomeOf([broken])).toEqual({ flagged: true, failed: true });
  });

  it('reports a failure behind a malicious verdict (payload, then a truncated stream)', () => {
    const r = file('malicious', COMMON_RULES.truncated.verdict);
    expect(r.verdict).toBe('malicious');
    expect(outcomeOf([r])).toEqual({ flagged: true, failed: true });
  });
});
