// SecurityEvent → the fields of an OTLP log record: severity, a short body, the event name and flat attributes.
import type { AnyValue, LogAttributes } from '@opentelemetry/api-logs';
import type { SecurityEvent } from '../../core/event.js';
import type { Severity } from '../../core/severity.js';
import { ATTR } from './semconv.js';
import { addTaxonomyAttributes } from './taxonomy-attributes.js';

/** `event_name` of every Bulwark log record (the structure is one; `bulwark.event.kind` tells them apart). */
export const SECURITY_EVENT_NAME = 'bulwark.security_event';

/** OTel severity numbers (logs data model): info → INFO … critical → FATAL. severityText keeps Bulwark's word. */
const SEVERITY_NUMBER: Record<Severity, number> = { info: 9, low: 13, medium: 14, high: 17, critical: 21 };

/** Event attributes that have a semantic-conventions name. */
const KNOWN: Readonly<Record<string, string>> = {
  route: ATTR.httpRoute,
  status: ATTR.httpResponseStatusCode,
  model: ATTR.requestModel,
  promptTokens: ATTR.usageInputTokens,
  completionTokens: ATTR.usageOutputTokens,
};

const MAX_FREE_ATTRIBUTES = 64;
const MAX_STRING = 4096;
const MAX_ARRAY = 64;
const MAX_KEY = 128;

export interface LogRecordFields {
  timeMs: number;
  severityNumber: number;
  severityText: Severity;
  body: string;
  eventName: string;
  attributes: LogAttributes;
}

const unique = (values: Iterable<string>): string[] => [...new Set(values)].slice(0, MAX_ARRAY);

function primitive(v: unknown): AnyValue | undefined {
  if (typeof v === 'string') return v.length > MAX_STRING ? `${v.slice(0, MAX_STRING)}…` : v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'boolean') return v;
  return undefined;
}

/** Flattens the event's free attributes one level deep; deeper values become bounded JSON strings. */
function flatten(out: LogAttributes, prefix: string, value: unknown, depth: number, budget: { left: number }): void {
  if (budget.left <= 0 || value === undefined || value === null) return;
  const p = primitive(value);
  if (p !== undefined) {
    out[prefix] = p;
    budget.left--;
    return;
  }
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ARRAY).map(primitive);
    out[prefix] = items.every((x) => x !== undefined && typeof x === typeof items[0]) ? (items as AnyValue[]) : bounded(value);
    budget.left--;
    return;
  }
  if (typeof value === 'object' && depth < 2) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(out, `${prefix}.${k.slice(0, MAX_KEY)}`, v, depth + 1, budget);
    return;
  }
  out[prefix] = bounded(value);
  budget.left--;
}

function bounded(value: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = '[unserialisable]';
  }
  return s.length > MAX_STRING ? `${s.slice(0, MAX_STRING)}…` : s;
}

/** One line a human reads in a log viewer; identifiers only, never evidence or prompt text. */
function summary(e: SecurityEvent): string {
  const parts = e.findings.slice(0, 3).map((f) => `${f.detector}/${f.category}`);
  if (e.findings.length > 3) parts.push(`+${e.findings.length - 3} more`);
  const route = typeof e.attributes['route'] === 'string' ? ` on ${e.attributes['route'].slice(0, 128)}` : '';
  const reason = typeof e.attributes['reason'] === 'string' ? ` (${e.attributes['reason'].slice(0, 64)})` : '';
  return `Bulwark ${e.kind} ${e.decision}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}${reason}${route}`;
}

export function eventLogFields(e: SecurityEvent): LogRecordFields {
  const a: LogAttributes = {
    'bulwark.event.id': e.id,
    'bulwark.event.kind': e.kind,
    'bulwark.event.source': e.source,
    'bulwark.decision': e.decision,
    'bulwark.severity': e.severity,
  };
  if (e.stage !== undefined) a['bulwark.stage'] = e.stage;
  if (e.principal !== undefined) a['bulwark.principal'] = e.principal;
  if (e.requestId !== undefined) a['bulwark.request_id'] = e.requestId;
  if (e.findings.length > 0) {
    a['bulwark.finding.count'] = e.findings.length;
    a['bulwark.detector.ids'] = unique(e.findings.map((f) => f.detector));
    a['bulwark.finding.categories'] = unique(e.findings.map((f) => f.category));
    a['bulwark.finding.max_score'] = Math.max(...e.findings.map((f) => (Number.isFinite(f.score) ? f.score : 0)));
    const actions = unique(e.findings.flatMap((f) => (typeof f.metadata?.['action'] === 'string' ? [f.metadata['action']] : [])));
    if (actions.length > 0) a['bulwark.finding.actions'] = actions;
  }
  if (e.failures.length > 0) {
    a['bulwark.failure.count'] = e.failures.length;
    a['bulwark.failure.detectors'] = unique(e.failures.map((f) => f.detector));
    a['bulwark.failure.codes'] = unique(e.failures.map((f) => f.code));
  }
  addTaxonomyAttributes(a, e.tags);
  const budget = { left: MAX_FREE_ATTRIBUTES };
  for (const [key, value] of Object.entries(e.attributes)) {
    const known = KNOWN[key];
    const p = primitive(value);
    if (known !== undefined && p !== undefined) a[known] = p;
    else flatten(a, `bulwark.attributes.${key.slice(0, MAX_KEY)}`, value, 0, budget);
  }
  const time = Date.parse(e.time);
  return {
    timeMs: Number.isFinite(time) ? time : Date.now(),
    severityNumber: SEVERITY_NUMBER[e.severity] ?? 9,
    severityText: e.severity,
    body: summary(e),
    eventName: SECURITY_EVENT_NAME,
    attributes: a,
  };
}
