// The OCSF 1.8.0 parts every class shares: metadata, severity, the security_control outcome of a decision, and
// the bounded `unmapped.bulwark` remainder. Class choice and the mapping table are in ocsf.ts.
import type { Decision, SecurityEvent } from '../../core/event.js';
import type { Severity } from '../../core/severity.js';
import { flattenTags } from '../../core/taxonomy/index.js';
import type { FormatContext } from '../types.js';
import { boundedJson, CAPS, epochMs, jsonText, oneLine, principalOf, SEVERITY_CAPTION, SEVERITY_ID, summary, type RequestFacts } from './common.js';

export const OCSF_VERSION = '1.8.0';

export interface OcsfProduct {
  name: string;
  vendor_name: string;
  version: string;
}

export interface OcsfMetadata {
  version: string;
  product: OcsfProduct;
  profiles: string[];
  uid: string;
  correlation_uid?: string;
  original_time: string;
  log_name: string;
}

/** An OCSF event object: the attributes every class has, plus the class-specific ones. */
export interface OcsfEvent {
  class_uid: number;
  class_name: string;
  category_uid: number;
  category_name: string;
  activity_id: number;
  activity_name: string;
  type_uid: number;
  type_name: string;
  severity_id: number;
  severity: string;
  time: number;
  message: string;
  metadata: OcsfMetadata;
  [attribute: string]: unknown;
}

/** Inputs shared by the class builders. */
export interface OcsfParts {
  event: SecurityEvent;
  ctx: FormatContext;
  facts: RequestFacts;
}

interface Outcome {
  action_id: 0 | 1 | 2 | 3 | 4;
  action: string;
  disposition_id: number;
  disposition: string;
}

const OUTCOMES: Record<Decision, Outcome> = {
  allow: { action_id: 1, action: 'Allowed', disposition_id: 1, disposition: 'Allowed' },
  redact: { action_id: 4, action: 'Modified', disposition_id: 99, disposition: 'Redacted' },
  flag: { action_id: 3, action: 'Observed', disposition_id: 19, disposition: 'Alert' },
  block: { action_id: 2, action: 'Denied', disposition_id: 2, disposition: 'Blocked' },
  error: { action_id: 0, action: 'Unknown', disposition_id: 27, disposition: 'Error' },
};

const RISK_LEVEL_ID: Record<Severity, 0 | 1 | 2 | 3 | 4> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
const RISK_LEVEL: Record<Severity, string> = { info: 'Info', low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

/** The security_control profile's outcome attributes for the event's decision. */
export function securityControl(event: SecurityEvent, facts: RequestFacts): Readonly<Outcome & { risk_level_id: number; risk_level: string }> {
  const unauthorized = event.decision === 'block' && facts.reason === 'model_not_allowed';
  // A handful of combinations, built once each (callers spread the result, they never change it).
  const key = `${event.decision}|${event.severity}|${unauthorized ? 1 : 0}`;
  let control = CONTROLS.get(key);
  if (control === undefined) {
    const base = OUTCOMES[event.decision] ?? OUTCOMES.error;
    const outcome = unauthorized ? { ...base, disposition_id: 26, disposition: 'Unauthorized' } : base;
    control = Object.freeze({ ...outcome, risk_level_id: RISK_LEVEL_ID[event.severity] ?? 0, risk_level: RISK_LEVEL[event.severity] ?? 'Info' });
    // Decision and severity are typed enums; the bound only guards against a caller passing anything else.
    if (CONTROLS.size < 256) CONTROLS.set(key, control);
  }
  return control;
}

const CONTROLS = new Map<string, Readonly<Outcome & { risk_level_id: number; risk_level: string }>>();

/** The attributes every class shares; the class builder adds class/activity ids and its own objects. */
export function baseAttributes(parts: OcsfParts, profiles: string[]): Pick<OcsfEvent, 'severity_id' | 'severity' | 'time' | 'message' | 'metadata'> {
  const { event, ctx, facts } = parts;
  const metadata: OcsfMetadata = {
    version: OCSF_VERSION,
    product: { name: 'Bulwark', vendor_name: 'Bulwark', version: oneLine(ctx.productVersion, CAPS.name) },
    profiles,
    uid: oneLine(event.id, CAPS.name),
    original_time: oneLine(event.time, CAPS.name),
    log_name: 'security_events',
  };
  if (event.requestId) metadata.correlation_uid = oneLine(event.requestId, CAPS.name);
  return {
    severity_id: SEVERITY_ID[event.severity] ?? 0,
    severity: SEVERITY_CAPTION[event.severity] ?? 'Unknown',
    time: epochMs(event),
    message: summary(event, facts),
    metadata,
  };
}

/** False for a missing or empty tag set (most events), without building the flat list. */
function hasTags(tags: SecurityEvent['tags'] | undefined): tags is SecurityEvent['tags'] {
  if (!tags) return false;
  for (const key in tags) if (Object.hasOwn(tags, key)) return true;
  return false;
}

/** `unmapped.bulwark`: what OCSF has no attribute for, bounded. */
export function unmappedBulwark(event: SecurityEvent, facts: RequestFacts): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: event.kind, source: event.source, decision: event.decision, severity: event.severity };
  if (event.stage) out['stage'] = event.stage;
  if (facts.route) out['route'] = facts.route;
  if (facts.model) out['model'] = facts.model;
  if (facts.upstream) out['upstream'] = facts.upstream;
  if (facts.reason) out['reason'] = facts.reason;
  const tags = hasTags(event.tags) ? flattenTags(event.tags).slice(0, CAPS.tags).map((t) => oneLine(String(t), CAPS.name)) : [];
  if (tags.length > 0) out['tags'] = tags;
  if (event.findings.length > 0) {
    out['findings'] = event.findings.slice(0, CAPS.items).map((f) => {
      const d: Record<string, unknown> = {
        detector: oneLine(f.detector, CAPS.name),
        category: oneLine(f.category, CAPS.name),
        score: Number.isFinite(f.score) ? f.score : 0,
        severity: f.severity,
      };
      if (f.span && Number.isSafeInteger(f.span.start) && Number.isSafeInteger(f.span.end)) d['span'] = { start: f.span.start, end: f.span.end };
      if (typeof f.evidence === 'string') d['evidence'] = jsonText(f.evidence, CAPS.evidence);
      const ids = flattenTags(f.tags ?? {}).slice(0, CAPS.tags);
      if (ids.length > 0) d['tags'] = ids.map((t) => oneLine(String(t), CAPS.name));
      if (f.metadata) d['metadata'] = boundedJson(f.metadata, 2);
      return d;
    });
    if (event.findings.length > CAPS.items) out['findings_total'] = event.findings.length;
  }
  if (event.failures.length > 0) {
    out['failures'] = event.failures.slice(0, CAPS.items).map((f) => ({
      detector: oneLine(f.detector, CAPS.name),
      code: oneLine(f.code, CAPS.name),
      message: jsonText(f.message, CAPS.text),
      fail_mode: f.failMode,
    }));
  }
  const attributes = boundedJson(event.attributes ?? {}, 1);
  if (attributes && typeof attributes === 'object' && Object.keys(attributes).length > 0) out['attributes'] = attributes;
  return out;
}

/** Principal name for OCSF `user.name` (required there), `unknown` when the caller was never identified. */
export function userName(event: SecurityEvent): string {
  return principalOf(event) ?? 'unknown';
}

/** OCSF observables for the user name (type 4) and the IP address (type 2) the event carries. */
export function observablesOf(user: string | undefined, ip: string | undefined, prefix: string): { name: string; type_id: number; type: string; value: string }[] {
  const out: { name: string; type_id: number; type: string; value: string }[] = [];
  const p = prefix === '' ? '' : `${prefix}.`;
  if (user) out.push({ name: `${p}actor.user.name`, type_id: 4, type: 'User Name', value: user });
  if (ip) out.push({ name: `${p}src_endpoint.ip`, type_id: 2, type: 'IP Address', value: ip });
  return out;
}
