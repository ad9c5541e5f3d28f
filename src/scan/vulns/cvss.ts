// CVSS v3.0/v3.1 base score from a vector string, and the qualitative rating (FIRST CVSS v3.1 specification §7.1, §5).
import type { Severity } from '../../core/severity.js';

const WEIGHTS = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
} as const;
/** Privileges Required weighs more when the scope changes. */
const PR_UNCHANGED = { N: 0.85, L: 0.62, H: 0.27 } as const;
const PR_CHANGED = { N: 0.85, L: 0.68, H: 0.5 } as const;

const BASE_METRICS = ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'] as const;
const VECTOR_PREFIX = /^CVSS:3\.([01])\//;

/** The base score (0.0–10.0) of a CVSS v3.x vector, or undefined when the vector is not a complete v3 vector. */
export function cvss3BaseScore(vector: string): number | undefined {
  const prefix = VECTOR_PREFIX.exec(vector.trim());
  if (!prefix) return undefined;
  const minor = prefix[1];
  const metrics = new Map<string, string>();
  for (const part of vector.trim().slice(prefix[0].length).split('/')) {
    const [key, value, extra] = part.split(':');
    if (key === undefined || value === undefined || extra !== undefined || metrics.has(key)) return undefined;
    metrics.set(key, value);
  }
  if (BASE_METRICS.some((m) => !metrics.has(m))) return undefined;
  const scope = metrics.get('S');
  if (scope !== 'U' && scope !== 'C') return undefined;
  const av = pick(WEIGHTS.AV, metrics.get('AV'));
  const ac = pick(WEIGHTS.AC, metrics.get('AC'));
  const pr = pick(scope === 'C' ? PR_CHANGED : PR_UNCHANGED, metrics.get('PR'));
  const ui = pick(WEIGHTS.UI, metrics.get('UI'));
  const c = pick(WEIGHTS.CIA, metrics.get('C'));
  const i = pick(WEIGHTS.CIA, metrics.get('I'));
  const a = pick(WEIGHTS.CIA, metrics.get('A'));
  if ([av, ac, pr, ui, c, i, a].some((w) => w === undefined)) return undefined;
  const iss = 1 - (1 - c!) * (1 - i!) * (1 - a!);
  const impact = scope === 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15;
  const exploitability = 8.22 * av! * ac! * pr! * ui!;
  if (impact <= 0) return 0;
  const raw = scope === 'U' ? Math.min(impact + exploitability, 10) : Math.min(1.08 * (impact + exploitability), 10);
  return minor === '1' ? roundUp31(raw) : Math.ceil(raw * 10) / 10;
}

function pick<T extends Record<string, number>>(table: T, value: string | undefined): number | undefined {
  return value !== undefined && Object.hasOwn(table, value) ? table[value] : undefined;
}

/** v3.1 Roundup (Appendix A): the smallest one-decimal number ≥ x, computed on integers to avoid float drift. */
function roundUp31(x: number): number {
  const scaled = Math.round(x * 100_000);
  return scaled % 10_000 === 0 ? scaled / 100_000 : (Math.floor(scaled / 10_000) + 1) / 10;
}

/** CVSS qualitative rating: 0 none (info), 0.1–3.9 low, 4.0–6.9 medium, 7.0–8.9 high, 9.0–10.0 critical. */
export function severityOfScore(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}
