// The OSV evaluation algorithm (ossf/osv-schema docs/schema.md, "Evaluation"): is this version inside an advisory's
// ranges or versions list? Unreadable bounds err towards "affected": a false alarm costs less than a missed one.
import { schemeFor, sameVersion, sortVersions, type LinearRangeType, type VersionScheme } from './versions.js';
import type { Ecosystem } from './types.js';

export type OsvEventKind = 'introduced' | 'fixed' | 'last_affected' | 'limit';

export interface OsvEvent {
  kind: OsvEventKind;
  version: string;
}

export interface OsvRange {
  type: LinearRangeType;
  events: OsvEvent[];
}

export interface OsvAffected {
  ecosystem: Ecosystem;
  /** As the record spells it. */
  name: string;
  ranges: OsvRange[];
  versions: string[];
}

/** Whether `version` is affected according to one `affected[]` entry (its package already matched by the caller). */
export function isAffected(version: string, affected: OsvAffected): boolean {
  if (affected.versions.some((v) => sameVersion(affected.ecosystem, version, v))) return true;
  return affected.ranges.some((r) => inRange(version, affected.ecosystem, r));
}

/** One range: `introduced` opens, `fixed` closes at the bound, `last_affected` closes after it; `limit`s cap the whole. */
export function inRange(version: string, ecosystem: Ecosystem, range: OsvRange): boolean {
  const scheme = schemeFor(ecosystem, range.type, version);
  if (!scheme) return false;
  if (!beforeLimits(version, range.events, scheme)) return false;
  let vulnerable = false;
  for (const event of sortedEvents(range.events, scheme)) {
    if (event.kind === 'introduced') {
      if (event.version === '0' || scheme.compare(version, event.version) >= 0) vulnerable = true;
    } else if (event.kind === 'fixed') {
      if (scheme.compare(version, event.version) >= 0) vulnerable = false;
    } else if (event.kind === 'last_affected') {
      if (scheme.compare(version, event.version) > 0) vulnerable = false;
    }
  }
  return vulnerable;
}

/** No limit events means an implicit `*`; an unreadable limit counts as `*` too. */
function beforeLimits(version: string, events: readonly OsvEvent[], scheme: VersionScheme): boolean {
  const limits = events.filter((e) => e.kind === 'limit');
  if (limits.length === 0) return true;
  return limits.some((e) => e.version.includes('*') || !scheme.valid(e.version) || scheme.compare(version, e.version) < 0);
}

/**
 * Events in version order, `introduced: "0"` first. An unreadable `introduced` becomes "0" (affected from the start);
 * an unreadable `fixed` or `last_affected` is dropped (the range stays open). At one version, `introduced` goes first,
 * so that `introduced X, last_affected X` means exactly X and `introduced X, fixed X` means nothing.
 */
function sortedEvents(events: readonly OsvEvent[], scheme: VersionScheme): OsvEvent[] {
  const usable: OsvEvent[] = [];
  for (const e of events) {
    if (e.kind === 'limit') continue;
    if (e.kind === 'introduced' && (e.version === '0' || !scheme.valid(e.version))) usable.push({ kind: 'introduced', version: '0' });
    else if (scheme.valid(e.version)) usable.push(e);
  }
  const zero = (e: OsvEvent) => (e.kind === 'introduced' && e.version === '0' ? 0 : 1);
  const opens = (e: OsvEvent) => (e.kind === 'introduced' ? 0 : 1);
  return usable
    .map((e, i) => ({ e, i }))
    .sort((a, b) => zero(a.e) - zero(b.e) || (zero(a.e) === 0 ? 0 : scheme.compare(a.e.version, b.e.version)) || opens(a.e) - opens(b.e) || a.i - b.i)
    .map((x) => x.e);
}

/** The `fixed` versions named by these entries, ascending and without duplicates. */
export function fixedVersions(ecosystem: Ecosystem, entries: readonly OsvAffected[]): string[] {
  const fixed = new Set<string>();
  for (const a of entries) for (const r of a.ranges) for (const e of r.events) if (e.kind === 'fixed') fixed.add(e.version);
  return sortVersions(ecosystem, fixed);
}
