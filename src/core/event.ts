// SecurityEvent: the one record of every decision, auth failure, limit hit, scan, eval verdict and risk change.
import { randomUUID } from 'node:crypto';
import type { Finding, Stage } from './finding.js';
import { maxSeverity, type Severity } from './severity.js';
import { mergeTags, type TaxonomyTags } from './taxonomy/index.js';

export const EVENT_KINDS = ['detection', 'auth', 'limit', 'scan', 'eval', 'risk', 'system', 'response'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const DECISIONS = ['allow', 'redact', 'block', 'flag', 'error'] as const;
export type Decision = (typeof DECISIONS)[number];

/** Which face of Bulwark emitted the event. */
export type EventSource = 'guard' | 'mcp-gateway' | 'probe' | 'scan' | 'govern' | 'cli' | 'detector-api';

/** A detector that could not give an answer, and what the policy did about it. */
export interface DetectorFailure {
  detector: string;
  code: string;
  message: string;
  failMode: 'open' | 'closed';
}

export interface SecurityEvent {
  id: string;
  /** ISO 8601 time of the decision. */
  time: string;
  kind: EventKind;
  source: EventSource;
  decision: Decision;
  severity: Severity;
  stage?: Stage;
  /** Who made the request (key name, JWT subject), never the credential itself. */
  principal?: string;
  requestId?: string;
  findings: Finding[];
  failures: DetectorFailure[];
  /** Union of the findings' taxonomy tags. */
  tags: TaxonomyTags;
  /** Free structured context: route, model, upstream, duration; must hold no secrets. */
  attributes: Record<string, unknown>;
}

export interface NewEvent {
  kind: EventKind;
  source: EventSource;
  decision: Decision;
  stage?: Stage;
  principal?: string;
  requestId?: string;
  findings?: Finding[];
  failures?: DetectorFailure[];
  attributes?: Record<string, unknown>;
  time?: Date;
}

/** Builds an event, deriving its severity and tags from its findings. */
export function createEvent(e: NewEvent): SecurityEvent {
  const findings = e.findings ?? [];
  const failures = e.failures ?? [];
  let severity: Severity = 'info';
  for (const f of findings) severity = maxSeverity(severity, f.severity);
  if (failures.length > 0) severity = maxSeverity(severity, 'low');
  return {
    id: randomUUID(),
    time: (e.time ?? new Date()).toISOString(),
    kind: e.kind,
    source: e.source,
    decision: e.decision,
    severity,
    stage: e.stage,
    principal: e.principal,
    requestId: e.requestId,
    findings,
    failures,
    // No findings, no tags: skip the merge (most gateway events are allowed requests without findings).
    tags: findings.length === 0 ? {} : mergeTags(...findings.map((f) => f.tags)),
    attributes: e.attributes ?? {},
  };
}
