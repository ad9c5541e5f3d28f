// Builds the one SecurityEvent of a gateway request: decision, principal, findings and failures, route facts;
// never the credential and, unless the policy says so, never the prompt text.
import { createEvent, type Decision, type EventKind, type SecurityEvent } from '../core/event.js';
import type { Stage } from '../core/finding.js';
import type { StageResult } from '../guard/run-stage.js';

export interface RequestFacts {
  requestId: string;
  route: string;
  principal?: string;
  model?: string;
  upstream?: string;
  status: number;
  startedAt: number;
  stream?: boolean;
  promptTokens?: number;
  completionTokens?: number;
  reason?: string;
}

export function requestEvent(
  kind: EventKind,
  decision: Decision,
  facts: RequestFacts,
  results: readonly (StageResult | undefined)[] = [],
  stage?: Stage,
  extra: Record<string, unknown> = {},
): SecurityEvent {
  const findings = results.flatMap((r) => r?.findings ?? []).map(({ action, ...f }) => ({ ...f, metadata: { ...f.metadata, action } }));
  const failures = results.flatMap((r) => r?.failures ?? []);
  const attributes: Record<string, unknown> = {
    route: facts.route,
    status: facts.status,
    durationMs: Math.round((performance.now() - facts.startedAt) * 1000) / 1000,
    ...extra,
  };
  if (facts.model !== undefined) attributes['model'] = facts.model;
  if (facts.upstream !== undefined) attributes['upstream'] = facts.upstream;
  if (facts.stream !== undefined) attributes['stream'] = facts.stream;
  if (facts.promptTokens !== undefined) attributes['promptTokens'] = facts.promptTokens;
  if (facts.completionTokens !== undefined) attributes['completionTokens'] = facts.completionTokens;
  if (facts.reason !== undefined) attributes['reason'] = facts.reason;
  return createEvent({ kind, source: 'guard', decision, stage, principal: facts.principal, requestId: facts.requestId, findings, failures, attributes });
}
