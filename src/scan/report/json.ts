// `bulwark scan --json`: `{"files": [...], "summary": {...}}` (plus `"dependencies"` with --deps), every file
// listed, findings whole. Characters that could still act on a terminal are written as \u escapes (same JSON value).
import type { FileScanResult, ScanSummary } from '../types.js';

export interface ScanJsonReport {
  files: readonly FileScanResult[];
  summary: ScanSummary;
  /** The dependency report of `--deps`, as scanDependencies returned it. */
  dependencies?: unknown;
}

// C1 controls, DEL, bidi overrides, invisible format and tag characters: JSON.stringify leaves them raw.
const RAW_UNSAFE = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\u{e0000}-\u{e007f}]/gu;

const escapeUnits = (c: string) => [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');

export function renderJson(report: ScanJsonReport): string {
  const doc: Record<string, unknown> = {
    files: report.files.map(fileJson),
    summary: report.summary,
  };
  if (report.dependencies !== undefined) doc.dependencies = report.dependencies;
  return `${JSON.stringify(doc, null, 2).replace(RAW_UNSAFE, escapeUnits)}\n`;
}

/** Fixed key order: path, format, verdict, findings, then the facts. */
function fileJson(f: FileScanResult): Record<string, unknown> {
  const out: Record<string, unknown> = { path: f.path, format: f.format, verdict: f.verdict, findings: f.findings, bytes: f.bytes, durationMs: f.durationMs };
  if (f.sha256 !== undefined) out.sha256 = f.sha256;
  return out;
}
