// Child process of bench/scan.ts: scans one file with Bulwark's scanFile and prints one JSON line with the verdict,
// the scan time and the peak RSS of this process alone (each measured case gets a fresh process).
import { performance } from 'node:perf_hooks';
import { scanFile } from '../../src/scan/scanner.js';

export interface ChildResult {
  verdict: string;
  format: string;
  findings: number;
  rules: string[];
  /** scanFile alone, in milliseconds (module loading excluded; the first scan loads its format modules). */
  ms: number;
  /** Resident set size before the scan and at its peak over the process's life, in KiB. */
  rssBeforeKiB: number;
  maxRssKiB: number;
}

const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: scan-child FILE\n');
  process.exit(64);
}
const rssBeforeKiB = Math.round(process.memoryUsage().rss / 1024);
const t0 = performance.now();
const r = await scanFile(path);
const ms = performance.now() - t0;
const out: ChildResult = {
  verdict: r.verdict,
  format: r.format,
  findings: r.findings.length,
  rules: [...new Set(r.findings.map((f) => f.rule))],
  ms,
  rssBeforeKiB,
  // process.resourceUsage().maxRSS is in KiB on every platform Node supports.
  maxRssKiB: process.resourceUsage().maxRSS,
};
process.stdout.write(`${JSON.stringify(out)}\n`);
