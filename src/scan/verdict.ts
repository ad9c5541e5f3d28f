// The verdict of a file from its findings, and the summary of a run: one place for the precedence rules.
import type { FileScanResult, FindingVerdict, ScanFinding, ScanSummary, Verdict } from './types.js';

/** Precedence of the file verdicts: malicious > error > suspicious > clean. */
const RANK: Readonly<Record<Verdict, number>> = { clean: 0, suspicious: 1, error: 2, malicious: 3 };

/** How much one finding weighs; `info` findings never change the verdict. */
function findingVerdict(v: FindingVerdict, strict: boolean): Verdict {
  if (v === 'info') return 'clean';
  if (v === 'suspicious' && strict) return 'malicious';
  return v;
}

export function verdictRank(v: Verdict): number {
  return RANK[v];
}

/** The worst verdict among the findings; with `strict`, suspicious findings count as malicious. */
export function verdictOf(findings: readonly Pick<ScanFinding, 'verdict'>[], strict = false): Verdict {
  let worst: Verdict = 'clean';
  for (const f of findings) {
    const v = findingVerdict(f.verdict, strict);
    if (RANK[v] > RANK[worst]) worst = v;
  }
  return worst;
}

/** Findings sorted worst first (stable): malicious, error, suspicious, info. */
export function worstFirst(findings: readonly ScanFinding[]): ScanFinding[] {
  const rank = (f: ScanFinding) => (f.verdict === 'info' ? -1 : RANK[f.verdict]);
  return [...findings].sort((a, b) => rank(b) - rank(a));
}

/** A file that was looked at but is no model file (unknown content, no model-file name): nothing to report. */
export function isNonModelFile(r: FileScanResult): boolean {
  return r.format === 'unknown' && r.findings.length === 0;
}

export function summarise(files: readonly FileScanResult[], durationMs: number): ScanSummary {
  const s: ScanSummary = { files: files.length, clean: 0, suspicious: 0, malicious: 0, error: 0, bytes: 0, durationMs: Math.round(durationMs) };
  for (const f of files) {
    s[f.verdict]++;
    s.bytes += f.bytes;
  }
  return s;
}

/** Exit-code facts of a run: something flagged (suspicious or malicious), something failed (error). */
export function outcomeOf(files: readonly FileScanResult[]): { flagged: boolean; failed: boolean } {
  // A file whose verdict is `error` can still carry a malicious or suspicious finding (a payload before the break,
  // lock drift on a file that no longer parses): the exit code says both.
  const flags = (f: FileScanResult): boolean => f.findings.some((x) => x.verdict === 'malicious' || x.verdict === 'suspicious');
  return {
    flagged: files.some((f) => f.verdict === 'malicious' || f.verdict === 'suspicious' || flags(f)),
    failed: files.some((f) => f.verdict === 'error' || f.findings.some((x) => x.verdict === 'error')),
  };
}
