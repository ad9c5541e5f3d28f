// SecurityEvent → Elastic Common Schema document (ECS 9.1+: `gen_ai.*` is beta since 9.1), one object per event.
//
// | event                          | event.kind | event.category                     | event.type                          |
// |--------------------------------|------------|------------------------------------|-------------------------------------|
// | auth                           | event      | authentication                     | start                               |
// | findings, blocked or flagged   | alert      | intrusion_detection (+ api, route) | denied (block) / info (flag)        |
// | findings, allowed or redacted  | event      | intrusion_detection (+ api, route) | allowed                             |
// | request without findings       | event      | api                                | allowed / denied / error            |
// | clean scan                     | event      | vulnerability                      | info                                |
// | eval, risk, system             | event      | intrusion_detection / configuration / host | info / change / info        |
// | response (alert rule fired)    | alert*     | intrusion_detection                | info; rule.* = the alert rule       |
// (* alert when the response blocked or flagged, as for findings)
//
// event.severity is the 1..5 scale (info..critical, as OCSF severity_id); event.risk_score the Elastic Security
// bands 0 / 21 / 47 / 73 / 99; event.outcome is failure when the request was refused or failed.
// Taxonomy ids (OWASP LLM first) go in `tags`; ATLAS techniques in `threat.*`; what ECS has no field for under
// `bulwark.*` (bounded), which is ECS's advice for custom fields.
import type { SecurityEvent } from '../../core/event.js';
import type { Severity } from '../../core/severity.js';
import { flattenTags } from '../../core/taxonomy/index.js';
import type { FormatContext } from '../types.js';
import { atlasAttacks } from './atlas.js';
import { CAPS, isAlert, isFailure, jsonText, oneLine, operationOf, principalOf, requestFacts, responseFacts, SEVERITY_ID, signatureId, summary, topFinding, type RequestFacts } from './common.js';
import { unmappedBulwark } from './ocsf-common.js';

export const ECS_VERSION = '9.1.0';

/** An ECS document: nested objects keyed by field set (`event`, `rule`, `threat`, ...). */
export type EcsDocument = Record<string, unknown> & { '@timestamp': string; event: Record<string, unknown> };

const RISK_SCORE: Record<Severity, number> = { info: 0, low: 21, medium: 47, high: 73, critical: 99 };

/** gen_ai.operation.name for the OpenAI-style operations the gateway serves. */
const GEN_AI_OPERATION: Record<string, string> = { 'chat.completions': 'chat', completions: 'text_completion', embeddings: 'embeddings' };

function categoryAndType(event: SecurityEvent, facts: RequestFacts): { category: string[]; type: string[] } {
  const api = facts.route !== undefined ? ['api'] : [];
  if (event.kind === 'auth') return { category: ['authentication'], type: ['start'] };
  if (event.findings.length > 0) {
    const type = event.decision === 'block' ? 'denied' : event.decision === 'allow' || event.decision === 'redact' ? 'allowed' : 'info';
    return { category: ['intrusion_detection', ...api], type: [type] };
  }
  if (api.length > 0) {
    const type = event.decision === 'block' ? 'denied' : event.decision === 'error' ? 'error' : 'allowed';
    return { category: ['api'], type: [type] };
  }
  if (event.kind === 'scan') return { category: ['vulnerability'], type: ['info'] };
  if (event.kind === 'risk') return { category: ['configuration'], type: ['change'] };
  if (event.kind === 'system') return { category: ['host'], type: ['info'] };
  return { category: ['intrusion_detection'], type: ['info'] };
}

function threat(event: SecurityEvent): Record<string, unknown> | undefined {
  const attacks = atlasAttacks(event.tags ?? {});
  if (attacks.length === 0) return undefined;
  const technique = new Map<string, string>();
  const sub = new Map<string, string>();
  const tactic = new Map<string, string>();
  for (const a of attacks) {
    technique.set(a.technique.uid, a.technique.name);
    if (a.sub_technique) sub.set(a.sub_technique.uid, a.sub_technique.name);
    if (a.tactic) tactic.set(a.tactic.uid, a.tactic.name);
  }
  const out: Record<string, unknown> = {
    framework: 'MITRE ATLAS',
    technique: { id: [...technique.keys()], name: [...technique.values()], reference: [...technique.keys()].map((id) => `https://atlas.mitre.org/techniques/${id}`) },
  };
  if (sub.size > 0) (out['technique'] as Record<string, unknown>)['subtechnique'] = { id: [...sub.keys()], name: [...sub.values()] };
  if (tactic.size > 0) out['tactic'] = { id: [...tactic.keys()], name: [...tactic.values()], reference: [...tactic.keys()].map((id) => `https://atlas.mitre.org/tactics/${id}`) };
  return out;
}

export function toEcs(event: SecurityEvent, ctx: FormatContext): EcsDocument {
  const facts = requestFacts(event);
  const { category, type } = categoryAndType(event, facts);
  const top = topFinding(event);
  const ecsEvent: Record<string, unknown> = {
    id: oneLine(event.id, CAPS.name),
    kind: isAlert(event) ? 'alert' : 'event',
    category,
    type,
    outcome: isFailure(event, facts) ? 'failure' : 'success',
    action: event.decision,
    severity: SEVERITY_ID[event.severity] ?? 0,
    risk_score: RISK_SCORE[event.severity] ?? 0,
    dataset: 'bulwark.security',
    module: 'bulwark',
    provider: event.source,
    code: signatureId(event, facts),
  };
  const reason = top ? oneLine(`${top.detector}: ${top.category}`, CAPS.name) : facts.reason;
  if (reason) ecsEvent['reason'] = reason;
  if (facts.durationMs !== undefined) ecsEvent['duration'] = Math.round(facts.durationMs * 1e6); // nanoseconds

  const doc: EcsDocument = {
    '@timestamp': Number.isFinite(Date.parse(event.time)) ? new Date(Date.parse(event.time)).toISOString() : new Date(0).toISOString(),
    ecs: { version: ECS_VERSION },
    message: summary(event, facts),
    event: ecsEvent,
    host: { name: oneLine(ctx.hostname, CAPS.name) },
    observer: { vendor: 'Bulwark', product: 'Bulwark', version: oneLine(ctx.productVersion, CAPS.name), type: 'ai-gateway', hostname: oneLine(ctx.hostname, CAPS.name) },
  };
  const response = responseFacts(event);
  if (top) {
    doc['rule'] = {
      id: oneLine(top.detector, CAPS.name),
      name: oneLine(`${top.detector}: ${top.category}`, CAPS.name),
      category: oneLine(top.category, CAPS.name),
      ruleset: facts.policy ?? 'bulwark',
    };
  } else if (response) {
    doc['rule'] = { id: response.rule, name: response.rule, category: response.action, ruleset: 'bulwark-alert-rules' };
  }
  const t = threat(event);
  if (t) doc['threat'] = t;
  const principal = principalOf(event);
  if (principal) doc['user'] = { name: principal };
  if (facts.sourceIp) doc['source'] = { ip: facts.sourceIp, address: facts.sourceIp };
  const http: Record<string, unknown> = {};
  if (event.requestId) http['request'] = { id: oneLine(event.requestId, CAPS.name), ...(facts.method ? { method: facts.method } : {}) };
  if (facts.status !== undefined) http['response'] = { status_code: facts.status };
  if (Object.keys(http).length > 0) doc['http'] = http;
  if (facts.route) doc['url'] = { path: facts.route };
  const genAi = genAiFields(facts);
  if (genAi) doc['gen_ai'] = genAi;
  const tags = flattenTags(event.tags ?? {})
    .slice(0, CAPS.tags)
    .map((id) => oneLine(String(id), CAPS.name));
  if (tags.length > 0) doc['tags'] = tags;
  const labels: Record<string, string> = { bulwark_kind: event.kind, bulwark_source: event.source };
  if (event.stage) labels['bulwark_stage'] = event.stage;
  doc['labels'] = labels;
  const bulwark = unmappedBulwark(event, facts);
  delete bulwark['attributes']; // the useful attributes have ECS homes above; the rest stays in the JSON format
  if (event.requestId) bulwark['request_id'] = jsonText(event.requestId, CAPS.name);
  doc['bulwark'] = bulwark;
  return doc;
}

function genAiFields(facts: RequestFacts): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  const op = operationOf(facts.route);
  if (op && GEN_AI_OPERATION[op]) out['operation'] = { name: GEN_AI_OPERATION[op] };
  if (facts.model) out['request'] = { model: facts.model };
  if (facts.provider) out['provider'] = { name: facts.provider };
  const usage: Record<string, number> = {};
  if (facts.promptTokens !== undefined) usage['input_tokens'] = facts.promptTokens;
  if (facts.completionTokens !== undefined) usage['output_tokens'] = facts.completionTokens;
  if (Object.keys(usage).length > 0) out['usage'] = usage;
  return Object.keys(out).length > 0 ? out : undefined;
}
