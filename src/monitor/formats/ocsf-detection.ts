// An event with findings as an OCSF 1.8.0 Detection Finding (2004) with the security_control profile: one
// finding per event (finding_info.uid = event id), the deciding detector as the analytic, ATLAS ids as attacks.
import type { Finding } from '../../core/finding.js';
import { flattenTags, TAXONOMY_NAMES } from '../../core/taxonomy/index.js';
import { ATLAS_VERSION, atlasAttacks } from './atlas.js';
import { CAPS, isAlert, maxScore, oneLine, operationOf, principalOf, responseFacts, topFinding } from './common.js';
import { baseAttributes, observablesOf, securityControl, unmappedBulwark, type OcsfEvent, type OcsfParts } from './ocsf-common.js';

const CLASS_UID = 2004;

interface Analytic {
  uid: string;
  name: string;
  type_id: 0;
  type: 'Unknown';
  category: string;
}

// Detectors are rules, classifiers or model judges; which one is not recorded on the finding, so type_id stays 0.
function analytic(f: Finding): Analytic {
  return { uid: oneLine(f.detector, CAPS.name), name: oneLine(f.detector, CAPS.name), type_id: 0, type: 'Unknown', category: oneLine(f.category, CAPS.name) };
}

/** Taxonomy ids other than ATLAS (OWASP LLM first): they classify the finding, so they are its `types`. */
function findingTypes(parts: OcsfParts): string[] {
  const nonAtlas = Object.fromEntries(TAXONOMY_NAMES.filter((n) => n !== 'atlas').map((n) => [n, parts.event.tags?.[n]]));
  return flattenTags(nonAtlas)
    .slice(0, CAPS.tags)
    .map((t) => oneLine(String(t), CAPS.name));
}

function confidence(score: number): { confidence_id: 1 | 2 | 3; confidence: string; confidence_score: number } {
  const id = score >= 0.8 ? 3 : score >= 0.5 ? 2 : 1;
  return { confidence_id: id, confidence: id === 3 ? 'High' : id === 2 ? 'Medium' : 'Low', confidence_score: Math.round(score * 100) };
}

/** The analytic and title: the deciding finding's detector, or the alert rule of an automated response. */
function headline(parts: OcsfParts): { top?: Finding; analytic: Record<string, unknown>; title: string } {
  const top = topFinding(parts.event);
  if (top) return { top, analytic: { ...analytic(top) }, title: oneLine(`${top.detector}: ${top.category}`, CAPS.name) };
  const r = responseFacts(parts.event) ?? { rule: parts.event.kind, action: parts.event.decision };
  const title = oneLine(`${r.rule}: ${r.action}${r.target ? ` ${r.target}` : ''}`, CAPS.name);
  return { analytic: { uid: r.rule, name: r.rule, type_id: 1, type: 'Rule', category: r.action }, title };
}

export function toDetectionFinding(parts: OcsfParts): OcsfEvent {
  const { event, facts } = parts;
  const { top, analytic: main, title } = headline(parts);
  const activityId = event.kind === 'risk' ? 2 : 1;
  const attacks = atlasAttacks(event.tags ?? {}).map((a) => (ATLAS_VERSION ? { ...a, version: ATLAS_VERSION } : a));
  const distinct = new Map<string, Finding>();
  for (const f of event.findings) if (f !== top && f.detector !== top?.detector && !distinct.has(f.detector)) distinct.set(f.detector, f);
  const related = [...distinct.values()].slice(0, CAPS.items).map(analytic);
  const types = findingTypes(parts);

  const base = baseAttributes(parts, ['security_control']);
  const findingInfo: Record<string, unknown> = { uid: oneLine(event.id, CAPS.name), title, desc: base.message, analytic: main, created_time: base.time };
  const triggeredBy = responseFacts(event)?.triggeredBy;
  if (triggeredBy) findingInfo['related_events'] = [{ uid: triggeredBy }];
  if (types.length > 0) findingInfo['types'] = types;
  if (related.length > 0) findingInfo['related_analytics'] = related;
  if (attacks.length > 0) findingInfo['attacks'] = attacks;

  const out: OcsfEvent = {
    class_uid: CLASS_UID,
    class_name: 'Detection Finding',
    category_uid: 2,
    category_name: 'Findings',
    activity_id: activityId,
    activity_name: activityId === 2 ? 'Update' : 'Create',
    type_uid: CLASS_UID * 100 + activityId,
    type_name: `Detection Finding: ${activityId === 2 ? 'Update' : 'Create'}`,
    ...base,
    status_id: 1,
    status: 'New',
    finding_info: findingInfo,
    ...securityControl(event, facts),
    is_alert: isAlert(event),
  };
  const score = maxScore(event);
  if (score !== undefined) Object.assign(out, confidence(score));
  if (attacks.length > 0) out['attacks'] = attacks;
  if (facts.policy) out['policy'] = { name: facts.policy };
  if (facts.model) out['resources'] = [{ name: facts.model, type: 'AI Model' }];
  const evidence: Record<string, unknown> = {};
  const principal = principalOf(event);
  if (principal) evidence['actor'] = { user: { name: principal } };
  if (facts.sourceIp) evidence['src_endpoint'] = { ip: facts.sourceIp };
  const operation = operationOf(facts.route);
  if (operation) evidence['api'] = event.requestId ? { operation, request: { uid: oneLine(event.requestId, CAPS.name) } } : { operation };
  if (Object.keys(evidence).length > 0) out['evidences'] = [evidence];
  const observables = observablesOf(principal, facts.sourceIp, 'evidences');
  if (observables.length > 0) out['observables'] = observables;
  out['unmapped'] = { bulwark: unmappedBulwark(event, facts) };
  return out;
}
