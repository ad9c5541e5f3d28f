// Tests of `bulwark scan --json`: the documented shape, every file listed, and no raw terminal controls.
import { describe, expect, it } from 'vitest';
import type { FileScanResult } from '../types.js';
import { summarise } from '../verdict.js';
import { renderJson } from './json.js';

const files: FileScanResult[] = [
  {
    path: 'a\u009b31m.pkl',
    format: 'pickle',
    verdict: 'malicious',
    findings: [{ rule: 'pickle.x', verdict: 'malicious', severity: 'critical', message: 'm', global: 'os.system\u202e\u{e0041}', tags: { owaspLlm: ['LLM03:2025'] } }],
    bytes: 3,
    durationMs: 1,
    sha256: '00'.repeat(32),
  },
  { path: 'README.md', format: 'unknown', verdict: 'clean', findings: [], bytes: 5, durationMs: 0 },
];

describe('scan JSON', () => {
  it('prints files (all of them) and the summary, plus dependencies when given', () => {
    const text = renderJson({ files, summary: summarise(files, 12), dependencies: { vulnerabilities: [] } });
    const doc = JSON.parse(text) as { files: Record<string, unknown>[]; summary: Record<string, number>; dependencies: unknown };
    expect(Object.keys(doc)).toEqual(['files', 'summary', 'dependencies']);
    expect(Object.keys(doc.files[0]!)).toEqual(['path', 'format', 'verdict', 'findings', 'bytes', 'durationMs', 'sha256']);
    expect(doc.files).toHaveLength(2);
    expect(doc.files[0]!.path).toBe(files[0]!.path);
    expect(doc.summary).toEqual({ files: 2, clean: 1, suspicious: 0, malicious: 1, error: 0, bytes: 8, durationMs: 12 });
    expect(doc.dependencies).toEqual({ vulnerabilities: [] });
    expect('dependencies' in (JSON.parse(renderJson({ files, summary: summarise(files, 0) })) as object)).toBe(false);
  });

  it('escapes C1 controls, bidi and tag characters (the parsed value is unchanged)', () => {
    const text = renderJson({ files, summary: summarise(files, 0) });
    expect(text).not.toMatch(/[\u0080-\u009f\u202e]|\u{e0041}/u);
    expect(text).toContain('a\\u009b31m.pkl');
    expect(text).toContain('\\udb40\\udc41');
    const doc = JSON.parse(text) as { files: FileScanResult[] };
    expect(doc.files[0]!.findings[0]!.global).toBe('os.system\u202e\u{e0041}');
  });
});
