// `bulwark scan` for a person: one line per file (verdict, format, path), its worst findings below it, a summary.
// Every string that came from a file (paths, globals, template fragments, member names) is made safe for a terminal.
import { safeForTerminal } from '../../cli/output.js';
import type { FileScanResult, ScanFinding, ScanSummary, Verdict } from '../types.js';
import { isNonModelFile, worstFirst } from '../verdict.js';
import { describeFinding } from './describe.js';

export interface TableOptions {
  /** ANSI colours (only on a terminal that wants them). */
  color?: boolean;
  /** Also list files that are no model files (unknown content, no model-file name). */
  all?: boolean;
  /** Findings shown per file; default 3. */
  maxFindings?: number;
}

const COLORS: Record<Verdict | 'dim', string> = { malicious: '31;1', error: '35', suspicious: '33', clean: '32', dim: '2' };

export function renderTable(files: readonly FileScanResult[], summary: ScanSummary, options: TableOptions = {}): string {
  const paint = (what: Verdict | 'dim', text: string) => (options.color ? `\x1b[${COLORS[what]}m${text}\x1b[0m` : text);
  const max = options.maxFindings ?? 3;
  const shown = options.all ? files : files.filter((f) => !isNonModelFile(f));
  const hidden = files.length - shown.length;
  const formatWidth = Math.max(6, ...shown.map((f) => f.format.length));
  const lines: string[] = [];
  if (shown.length > 0) lines.push(paint('dim', `${'VERDICT'.padEnd(10)}  ${'FORMAT'.padEnd(formatWidth)}  PATH`));
  for (const f of shown) {
    lines.push(`${paint(f.verdict, f.verdict.padEnd(10))}  ${f.format.padEnd(formatWidth)}  ${safeForTerminal(f.path)}`);
    const findings = worstFirst(f.findings);
    for (const finding of findings.slice(0, max)) lines.push(`    ${findingLine(finding)}`);
    if (findings.length > max) lines.push(paint('dim', `    … and ${findings.length - max} more finding${findings.length - max === 1 ? '' : 's'} (--json lists all)`));
  }
  if (lines.length > 0) lines.push('');
  lines.push(summaryLine(summary, hidden));
  return `${lines.join('\n')}\n`;
}

/** `rule: message (global os.system) in archive/data.pkl at byte 52`, sanitised. */
export function findingLine(f: ScanFinding): string {
  return safeForTerminal(`${f.rule}: ${describeFinding(f)}`);
}

function summaryLine(s: ScanSummary, hidden: number): string {
  const counts = (['malicious', 'suspicious', 'error', 'clean'] as const).map((v) => `${s[v]} ${v}`).join(', ');
  const files = `${s.files} file${s.files === 1 ? '' : 's'}`;
  const more = hidden > 0 ? `; ${hidden} of them ${hidden === 1 ? 'is' : 'are'} no model file${hidden === 1 ? '' : 's'} (--all lists them)` : '';
  return `${files} scanned (${formatBytes(s.bytes)} in ${(s.durationMs / 1000).toFixed(1)} s): ${counts}${more}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}
