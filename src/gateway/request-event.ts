// Builds the one SecurityEvent of a gateway request: decision, principal, findings and failures, route facts;
// never the credential and, unless the policy says so, never the prompt text.
import { createEvent, type Decision, type EventKind, type SecurityEvent } from '../core/event.js';
import type { Stage } from '../core/finding.js';
import type { PromptDigest } from '../guard/prompt-digest.js';
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
  /** Time to the upstream's response headers (ms) and its status, when it was called. */
  upstreamMs?: number;
  upstreamStatus?: number;
  maxTokens?: number;
  /** The client's address as the socket saw it (no proxy headers are trusted). */
  sourceIp?: string;
  /** Id of the API key that authenticated the request (not secret), for rules grouped by key. */
  keyId?: string;
  /** Hash, length and masked excerpt of the request's texts (the text itself only if the policy says so). */
  prompt?: PromptDigest;
  /** Name of the policy that decided. */
  policy?: string;
}

export function requestEvent(
  kind: EventKind,
  decision: Decision,
  facts: RequestFacts,
  results: readonly (StageResult | undefined)[] = [],
  stage?: Stage,
  extra: Record<string, unknown> = {},
): SecurityEvent {
  // results[0] is the request side (input, tool results), results[1] the answer side (output, tool calls).
  const findings = [];
  for (let i = 0; i < results.length; i++) {
    const side = i === 0 ? 'input' : 'output';
    for (const { action, ...f } of results[i]?.findings ?? []) findings.push({ ...f, metadata: { ...f.metadata, action, stage: side } });
  }
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
  if (facts.upstreamMs !== undefined) attributes['upstreamMs'] = Math.round(facts.upstreamMs * 1000) / 1000;
  if (facts.sourceIp !== undefined) attributes['sourceIp'] = facts.sourceIp;
  if (facts.policy !== undefined) attributes['policy'] = facts.policy;
  if (facts.keyId !== undefined) attributes['keyId'] = facts.keyId;
  if (facts.prompt !== undefined) attributes['prompt'] = facts.prompt;
  if (facts.upstreamStatus !== undefined) attributes['upstreamStatus'] = facts.upstreamStatus;
  return createEvent({ kind, source: 'guard', decision, stage, principal: facts.principal, requestId: facts.requestId, findings, failures, attributes });
}
