// Events without findings as OCSF 1.8.0 activities: Authentication (3002) for auth refusals, API Activity (6003,
// with the ai_operation profile) for gateway requests, and the Base Event (0) for whatever fits neither.
import { CAPS, isFailure, oneLine, operationOf } from './common.js';
import { baseAttributes, observablesOf, securityControl, unmappedBulwark, userName, type OcsfEvent, type OcsfParts } from './ocsf-common.js';

function statusOf(parts: OcsfParts): { status_id: 1 | 2; status: 'Success' | 'Failure' } {
  return isFailure(parts.event, parts.facts) ? { status_id: 2, status: 'Failure' } : { status_id: 1, status: 'Success' };
}

export function toAuthentication(parts: OcsfParts): OcsfEvent {
  const { event, ctx, facts } = parts;
  const classUid = 3002;
  const out: OcsfEvent = {
    class_uid: classUid,
    class_name: 'Authentication',
    category_uid: 3,
    category_name: 'Identity & Access Management',
    activity_id: 1,
    activity_name: 'Logon',
    type_uid: classUid * 100 + 1,
    type_name: 'Authentication: Logon',
    ...baseAttributes(parts, ['security_control']),
    ...statusOf(parts),
    user: { name: userName(event) },
    // The gateway is what the caller authenticates to: `service` and `dst_endpoint` (one of them is required).
    service: { name: 'Bulwark', version: oneLine(ctx.productVersion, CAPS.name) },
    dst_endpoint: { hostname: oneLine(ctx.hostname, CAPS.name) },
    is_remote: true,
    ...securityControl(event, facts),
    is_alert: false,
  };
  if (facts.reason) out['status_detail'] = facts.reason;
  if (facts.sourceIp) out['src_endpoint'] = { ip: facts.sourceIp };
  if (facts.status !== undefined) out['status_code'] = String(facts.status);
  const observables = observablesOf(undefined, facts.sourceIp, '');
  if (event.principal) observables.unshift({ name: 'user.name', type_id: 4, type: 'User Name', value: userName(event) });
  if (observables.length > 0) out['observables'] = observables;
  out['unmapped'] = { bulwark: unmappedBulwark(event, facts) };
  return out;
}

export function toApiActivity(parts: OcsfParts): OcsfEvent {
  const { event, ctx, facts } = parts;
  const classUid = 6003;
  const read = facts.method === 'GET' || facts.method === 'HEAD' || operationOf(facts.route) === 'models';
  const activityId = read ? 2 : 1;
  const operation = operationOf(facts.route) ?? event.kind;
  const api: Record<string, unknown> = { operation, service: { name: 'Bulwark gateway', version: oneLine(ctx.productVersion, CAPS.name) } };
  if (event.requestId) api['request'] = { uid: oneLine(event.requestId, CAPS.name) };
  if (facts.status !== undefined) api['response'] = facts.reason ? { code: facts.status, error: facts.reason } : { code: facts.status };
  const profiles = ['security_control'];
  const out: OcsfEvent = {
    class_uid: classUid,
    class_name: 'API Activity',
    category_uid: 6,
    category_name: 'Application Activity',
    activity_id: activityId,
    activity_name: read ? 'Read' : 'Create',
    type_uid: classUid * 100 + activityId,
    type_name: `API Activity: ${read ? 'Read' : 'Create'}`,
    ...baseAttributes(parts, profiles),
    ...statusOf(parts),
    actor: { user: { name: userName(event) } },
    api,
    // Required by the class; an address the gateway did not record stays unknown rather than invented.
    src_endpoint: facts.sourceIp ? { ip: facts.sourceIp } : { name: 'unknown' },
    dst_endpoint: { hostname: oneLine(ctx.hostname, CAPS.name) },
    ...securityControl(event, facts),
    is_alert: false,
  };
  if (facts.reason) out['status_detail'] = facts.reason;
  if (facts.status !== undefined) out['status_code'] = String(facts.status);
  if (facts.durationMs !== undefined) out['duration'] = Math.round(facts.durationMs);
  if (facts.model) {
    profiles.push('ai_operation');
    out['ai_model'] = { name: facts.model, ai_provider: facts.provider ?? facts.upstream ?? 'unknown' };
    if (facts.promptTokens !== undefined || facts.completionTokens !== undefined) {
      const ctxObj: Record<string, unknown> = { service: { name: facts.upstream ?? facts.provider ?? 'unknown' } };
      if (facts.promptTokens !== undefined) ctxObj['prompt_tokens'] = facts.promptTokens;
      if (facts.completionTokens !== undefined) ctxObj['completion_tokens'] = facts.completionTokens;
      if (facts.promptTokens !== undefined && facts.completionTokens !== undefined) ctxObj['total_tokens'] = facts.promptTokens + facts.completionTokens;
      out['message_context'] = ctxObj;
    }
  }
  const observables = observablesOf(event.principal ? userName(event) : undefined, facts.sourceIp, '');
  if (observables.length > 0) out['observables'] = observables;
  out['unmapped'] = { bulwark: unmappedBulwark(event, facts) };
  return out;
}

export function toBaseEvent(parts: OcsfParts): OcsfEvent {
  const { event, facts } = parts;
  const out: OcsfEvent = {
    class_uid: 0,
    class_name: 'Base Event',
    category_uid: 0,
    category_name: 'Uncategorized',
    activity_id: 99,
    activity_name: `${event.kind} ${event.decision}`,
    type_uid: 99,
    type_name: 'Base Event: Other',
    ...baseAttributes(parts, []),
    ...statusOf(parts),
  };
  if (facts.reason) out['status_detail'] = facts.reason;
  out['unmapped'] = { bulwark: unmappedBulwark(event, facts) };
  return out;
}
