// Tests of the scan table: worst findings first, non-model files counted but hidden, colours only when asked,
// hostile names made visible.
import { describe, expect, it } from 'vitest';
import type { FileScanResult, ScanFinding } from '../types.js';
import { summarise } from '../verdict.js';
import { formatBytes, renderTable } from './table.js';

const f = (verdict: ScanFinding['verdict'], rule: string, extra: Partial<ScanFinding> = {}): ScanFinding => ({ rule, verdict, severity: 'high', message: `${rule} seen`, tags: {}, ...extra });

const files: FileScanResult[] = [
  {
    path: 'models/\u001b[2Jevil.pt',
    format: 'pytorch-zip',
    verdict: 'malicious',
    findings: [f('info', 'i.one'), f('suspicious', 's.one'), f('malicious', 'm.one', { global: 'os.system', member: 'archive/data.pkl', offset: 12 }), f('error', 'e.one'), f('suspicious', 's.two')],
    bytes: 2048,
    durationMs: 3,
  },
  { path: 'models/ok.safetensors', format: 'safetensors', verdict: 'clean', findings: [], bytes: 10, durationMs: 1 },
  { path: 'models/README.md', format: 'unknown', verdict: 'clean', findings: [], bytes: 10, durationMs: 1 },
];

describe('scan table', () => {
  const summary = summarise(files, 1500);

  it('lists model files with their worst findings first, and counts the rest', () => {
    const text = renderTable(files, summary);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^VERDICT\s+FORMAT\s+PATH$/);
    expect(lines[1]).toBe('malicious   pytorch-zip  models/\\u{1b}[2Jevil.pt');
    expect(lines[2]).toBe('    m.one: m.one seen (global os.system, in archive/data.pkl, at byte 12)');
    expect(lines[3]).toMatch(/^ {4}e\.one/);
    expect(lines[4]).toMatch(/^ {4}s\.one/);
    expect(lines[5]).toBe('    … and 2 more findings (--json lists all)');
    expect(lines[6]).toMatch(/^clean\s+safetensors\s+models\/ok\.safetensors$/);
    expect(text).not.toContain('README');
    expect(text).toContain('3 files scanned (2.0 KiB in 1.5 s): 1 malicious, 0 suspicious, 0 error, 2 clean; 1 of them is no model file (--all lists them)');
    expect(text).not.toContain('\u001b');
  });

  it('lists every file with all, and colours verdicts only when asked', () => {
    expect(renderTable(files, summary, { all: true })).toContain('models/README.md');
    const coloured = renderTable(files, summary, { color: true });
    expect(coloured).toContain('\u001b[31;1mmalicious');
    expect(coloured).not.toContain('\u001b[2J');
  });

  it('prints only the summary when nothing was found', () => {
    expect(renderTable([], summarise([], 0))).toBe('0 files scanned (0 B in 0.0 s): 0 malicious, 0 suspicious, 0 error, 0 clean\n');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
  });
});
