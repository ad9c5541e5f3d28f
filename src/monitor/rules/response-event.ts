// The SecurityEvent that records an automated response (kind `response`): which rule, which action, on whom, until when.
import { createEvent, type Decision, type SecurityEvent } from '../../core/event.js';
import type { Severity } from '../../core/severity.js';
import type { AlertActionName, GroupBy } from './alert-schema.js';

export interface ResponseAttributes {
  /** Name of the alert rule (or `manual` for the CLI). */
  rule: string;
  action: AlertActionName | 'unsuspend_key' | 'unblock_principal' | 'unblock_source';
  /** Key id or name, principal, address, sink (credentials and query removed), or the group for alert/raise_severity. */
  target?: string;
  /** ISO 8601 end of a suspension, block or escalation. */
  until?: string;
  groupBy?: GroupBy;
  group?: string;
  /** What was counted in the window when the rule fired, and the threshold it exceeded. */
  count?: number;
  threshold?: number;
  windowMs?: number;
  /** Id of the event that made the rule fire. */
  triggeredBy?: string;
  message?: string;
  reason?: string;
  /** True when the engine has no responder: the response was decided, not carried out. */
  dryRun?: boolean;
  /** Set on the follow-up event of a response that could not be carried out. */
  error?: { code: string; message: string };
}

export type ResponseEvent = SecurityEvent & { kind: 'response'; attributes: ResponseAttributes };

export interface NewResponse {
  attributes: ResponseAttributes;
  severity: Severity;
  decision: Decision;
  source?: SecurityEvent['source'];
  principal?: string;
  requestId?: string;
  time: Date;
}

export function responseEvent(r: NewResponse): ResponseEvent {
  const e = createEvent({
    kind: 'response',
    source: r.source ?? 'guard',
    decision: r.decision,
    principal: r.principal,
    requestId: r.requestId,
    time: r.time,
    attributes: { ...r.attributes },
  });
  return { ...e, kind: 'response', severity: r.severity, attributes: { ...r.attributes } };
}

/** The follow-up event of a response that failed: same rule, action and target, decision `error`. */
export function failedResponse(original: ResponseEvent, error: unknown, time: Date): ResponseEvent {
  const code = typeof (error as { code?: unknown } | null)?.code === 'string' ? (error as { code: string }).code : 'ERR_RESPONSE';
  const message = (error instanceof Error ? error.message : String(error)).replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 200);
  const { dryRun: _dryRun, ...attributes } = original.attributes;
  return responseEvent({
    attributes: { ...attributes, triggeredBy: original.id, error: { code, message } },
    severity: original.severity,
    decision: 'error',
    source: original.source,
    principal: original.principal,
    requestId: original.requestId,
    time,
  });
}

/** A sink reference as it may appear in events: a name as is, a URL without credentials, query or fragment. */
export function redactSinkRef(ref: string): string {
  if (!ref.includes(':')) return ref.slice(0, 128);
  try {
    const url = new URL(ref);
    if (url.protocol === 'file:') return `file:${url.pathname}`.slice(0, 256);
    return `${url.protocol}//${url.host}${url.pathname}`.slice(0, 256);
  } catch {
    return '(invalid sink URL)';
  }
}

/** The event of a response taken by hand (`bulwark keys suspend`, `bulwark blocks add`, and their undoing). */
export function manualResponse(
  action: ResponseAttributes['action'],
  target: string,
  options: { until?: string; reason?: string; time?: Date } = {},
): ResponseEvent {
  const undo = action.startsWith('un');
  return responseEvent({
    attributes: {
      rule: 'manual',
      action,
      target,
      ...(options.until === undefined ? {} : { until: options.until }),
      ...(options.reason === undefined ? {} : { reason: options.reason }),
    },
    severity: undo ? 'info' : 'medium',
    decision: undo ? 'allow' : 'block',
    source: 'cli',
    time: options.time ?? new Date(),
  });
}
