// The filters of `events query` and `events tail` that the database cannot settle alone: detectors and categories
// live inside the findings JSON. SQL narrows the rows with a LIKE on the serialised JSON; this decides exactly.
import type { Decision, EventKind, SecurityEvent } from '../core/event.js';

export interface EventFilter {
  kind?: EventKind | readonly EventKind[];
  decision?: Decision | readonly Decision[];
  principal?: string;
  requestId?: string;
  /** Events with at least one finding of one of these detectors. */
  detector?: string | readonly string[];
  /** Events with at least one finding of one of these categories. */
  category?: string | readonly string[];
}

/** True when the event passes every filter that is set. */
export function matchesFilter(event: SecurityEvent, f: EventFilter): boolean {
  if (f.kind !== undefined && !list(f.kind).includes(event.kind)) return false;
  if (f.decision !== undefined && !list(f.decision).includes(event.decision)) return false;
  if (f.principal !== undefined && event.principal !== f.principal) return false;
  if (f.requestId !== undefined && event.requestId !== f.requestId) return false;
  if (f.detector !== undefined) {
    const wanted = list(f.detector);
    if (!event.findings.some((x) => wanted.includes(x.detector))) return false;
  }
  if (f.category !== undefined) {
    const wanted = list(f.category);
    if (!event.findings.some((x) => wanted.includes(x.category))) return false;
  }
  return true;
}

/** True when only the database was needed (no findings filter): a page of rows is then a page of results. */
export function needsFindings(f: EventFilter): boolean {
  return f.detector !== undefined || f.category !== undefined;
}

/**
 * LIKE patterns, one per value, that every matching findings column contains: findings are stored with
 * JSON.stringify, which writes `"detector":"<json string>"` with no spaces. `\` escapes LIKE's wildcards.
 */
export function findingsPatterns(field: 'detector' | 'category', values: string | readonly string[]): string[] {
  return list(values).map((v) => `%${escapeLike(`"${field}":${JSON.stringify(v)}`)}%`);
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function list<T extends string>(v: T | readonly T[]): readonly T[] {
  return typeof v === 'string' ? [v] : v;
}
