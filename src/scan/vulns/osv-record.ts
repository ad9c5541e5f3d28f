// Reads one OSV record (https://ossf.github.io/osv-schema/) leniently into the few fields matching needs.
// Records come from a third party: unknown fields pass, wrong types are ignored, text is bounded.
import type { Severity } from '../../core/severity.js';
import { cvss3BaseScore, severityOfScore } from './cvss.js';
import { ecosystemOf } from './names.js';
import type { OsvAffected, OsvEvent, OsvEventKind, OsvRange } from './osv-match.js';

export interface AdvisoryRecord {
  id: string;
  aliases: string[];
  summary: string;
  severity: Severity;
  url?: string;
  malicious: boolean;
  /** RFC 3339 time of the last change; the newer of two records with one id wins. */
  modified: string;
  /** Only the entries of ecosystems we support. */
  affected: OsvAffected[];
}

const MAX_SUMMARY = 300;
const MAX_LIST = 10_000;
const EVENT_KINDS: readonly OsvEventKind[] = ['introduced', 'fixed', 'last_affected', 'limit'];
/** GitHub advisories' own rating (database_specific.severity). */
const GHSA_SEVERITY: Readonly<Record<string, Severity>> = { LOW: 'low', MODERATE: 'medium', MEDIUM: 'medium', HIGH: 'high', CRITICAL: 'critical' };

type Json = Record<string, unknown>;

/**
 * The record, or undefined when it is not one we can use: no id, withdrawn, or nothing in PyPI or npm.
 * Throws nothing for any JSON value.
 */
export function readAdvisory(value: unknown): AdvisoryRecord | undefined {
  if (!isObject(value) || typeof value.id !== 'string' || value.id === '') return undefined;
  if (value.withdrawn !== undefined && value.withdrawn !== null) return undefined;
  const affected = list(value.affected).map(readAffected).filter((a): a is OsvAffected => a !== undefined);
  if (affected.length === 0) return undefined;
  const id = bounded(value.id, 200);
  const malicious = id.startsWith('MAL-') || (isObject(value.database_specific) && value.database_specific['malicious-packages-origins'] !== undefined);
  const record: AdvisoryRecord = {
    id,
    aliases: strings(value.aliases).filter((a) => a !== id).map((a) => bounded(a, 200)),
    summary: summaryOf(value),
    severity: malicious ? 'critical' : severityOf(value),
    malicious,
    modified: typeof value.modified === 'string' ? value.modified : '',
    affected,
  };
  const url = urlOf(value);
  if (url !== undefined) record.url = url;
  return record;
}

function readAffected(value: unknown): OsvAffected | undefined {
  if (!isObject(value) || !isObject(value.package)) return undefined;
  const ecosystem = ecosystemOf(value.package.ecosystem);
  const name = value.package.name;
  if (ecosystem === undefined || typeof name !== 'string' || name === '') return undefined;
  const ranges: OsvRange[] = [];
  for (const r of list(value.ranges)) {
    if (!isObject(r) || (r.type !== 'ECOSYSTEM' && r.type !== 'SEMVER')) continue;
    const events: OsvEvent[] = [];
    for (const e of list(r.events)) {
      if (!isObject(e)) continue;
      // One key per event; a record that breaks that rule gets each of its keys read.
      for (const kind of EVENT_KINDS) {
        const v = e[kind];
        if (typeof v === 'string' && v !== '' && v.length <= 256) events.push({ kind, version: v });
      }
    }
    if (events.length > 0) ranges.push({ type: r.type, events });
  }
  const versions = strings(value.versions).filter((v) => v.length <= 256);
  if (ranges.length === 0 && versions.length === 0) return undefined;
  return { ecosystem, name, ranges, versions };
}

/** GHSA's rating when present, else the highest CVSS v3 base score, else medium (a CVSS v4 vector alone gives medium). */
function severityOf(value: Json): Severity {
  const own = isObject(value.database_specific) ? value.database_specific.severity : undefined;
  if (typeof own === 'string' && Object.hasOwn(GHSA_SEVERITY, own.toUpperCase())) return GHSA_SEVERITY[own.toUpperCase()]!;
  const vectors = [...list(value.severity), ...list(value.affected).flatMap((a) => (isObject(a) ? list(a.severity) : []))];
  let best: number | undefined;
  for (const s of vectors) {
    if (!isObject(s) || s.type !== 'CVSS_V3' || typeof s.score !== 'string') continue;
    const score = cvss3BaseScore(s.score);
    if (score !== undefined && (best === undefined || score > best)) best = score;
  }
  return best === undefined ? 'medium' : severityOfScore(best);
}

function summaryOf(value: Json): string {
  if (typeof value.summary === 'string' && value.summary.trim() !== '') return bounded(value.summary.trim(), MAX_SUMMARY);
  if (typeof value.details === 'string') {
    const first = value.details.trim().split('\n', 1)[0] ?? '';
    return bounded(first, MAX_SUMMARY);
  }
  return '';
}

/** The ADVISORY reference, else the first http(s) reference, else the record's page on osv.dev. */
function urlOf(value: Json): string | undefined {
  const refs = list(value.references).filter(isObject);
  const web = (r: Json) => typeof r.url === 'string' && /^https?:\/\//i.test(r.url) && r.url.length <= 2000;
  const advisory = refs.find((r) => r.type === 'ADVISORY' && web(r)) ?? refs.find(web);
  if (advisory) return advisory.url as string;
  return /^[A-Za-z0-9._-]+$/.test(String(value.id)) ? `https://osv.dev/vulnerability/${String(value.id)}` : undefined;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v.slice(0, MAX_LIST) : [];
}

function strings(v: unknown): string[] {
  return list(v).filter((s): s is string => typeof s === 'string' && s !== '');
}

function bounded(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
