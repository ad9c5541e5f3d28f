// RequestSummary: the plain facts of one finished gateway request that metrics and traces are made from.
import type { Decision, EventKind, SecurityEvent } from '../core/event.js';
import type { Stage } from '../core/finding.js';
import type { TaxonomyTags } from '../core/taxonomy/index.js';

/** One finding as metrics and traces see it (a RuledFinding plus its stage satisfies it; evidence is never read). */
export interface FindingSummary {
  detector: string;
  category: string;
  /** What the policy did with it: block | redact | flag. */
  action: string;
  stage: Stage;
  score?: number;
  tags?: TaxonomyTags;
}

export interface DetectorTiming {
  detector: string;
  stage: Stage;
  ms: number;
}

/** GenAI operations the gateway proxies (`gen_ai.operation.name`). */
export type GenAiOperation = 'chat' | 'text_completion' | 'embeddings';

export interface RequestSummary {
  /** The gateway route, from the fixed route table (e.g. "/v1/chat/completions"). */
  route: string;
  decision: Decision;
  /** Wall time of the whole request in the gateway. */
  durationMs: number;
  /** Epoch milliseconds at which the request ended (default: when it is recorded). */
  endTimeMs?: number;
  /** The event kind of the request's SecurityEvent: `auth` counts an auth failure, `limit` a limit hit. */
  kind?: EventKind;
  /** Short machine code of a refusal or failure (RequestFacts.reason), e.g. "upstream_timeout", "rate_limited". */
  reason?: string;
  requestId?: string;
  /** HTTP status the gateway answered. */
  status?: number;
  /** Defaults from the route: chat, text_completion or embeddings. */
  operation?: GenAiOperation;
  /** Model the client asked for (client-supplied: never a metric label unless `knownModels` accepts it). */
  model?: string;
  stream?: boolean;
  maxTokens?: number;
  /** Configured upstream name (the route table's). */
  upstream?: string;
  /** HTTP status the upstream answered; undefined when it could not be reached or timed out. */
  upstreamStatus?: number;
  /** Time of the upstream call, when one was made. */
  upstreamMs?: number;
  /** `gen_ai.provider.name` of the upstream (default "openai": the gateway speaks the OpenAI API). */
  provider?: string;
  responseModel?: string;
  responseId?: string;
  finishReasons?: readonly string[];
  inputTokens?: number;
  outputTokens?: number;
  findings?: readonly FindingSummary[];
  detectorTimings?: readonly DetectorTiming[];
}

const OPERATIONS: Readonly<Record<string, GenAiOperation>> = {
  '/v1/chat/completions': 'chat',
  '/v1/completions': 'text_completion',
  '/v1/embeddings': 'embeddings',
};

/** The GenAI operation of a request: its own, else the one of its route; undefined for non-GenAI routes. */
export function operationOf(s: Pick<RequestSummary, 'operation' | 'route'>): GenAiOperation | undefined {
  return s.operation ?? OPERATIONS[s.route];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const STAGES = new Set<string>(['input', 'output', 'tool_call', 'tool_result']);

/**
 * A summary from the gateway's request SecurityEvent (what requestEvent() builds), so that wiring is one call.
 * Findings there carry their action in `metadata.action` and their stage, when known, in `metadata.stage`
 * (else the event's stage, else "input"); `extra` adds what the event does not know (upstream timing, tokens
 * reported by the upstream, detector timings).
 */
export function requestSummaryFromEvent(event: SecurityEvent, extra: Partial<RequestSummary> = {}): RequestSummary {
  const a = event.attributes;
  const findings: FindingSummary[] = event.findings.map((f) => {
    const stage = str(f.metadata?.['stage']);
    return {
      detector: f.detector,
      category: f.category,
      action: str(f.metadata?.['action']) ?? 'flag',
      stage: (stage !== undefined && STAGES.has(stage) ? stage : (event.stage ?? 'input')) as Stage,
      score: f.score,
      tags: f.tags,
    };
  });
  return {
    route: str(a['route']) ?? 'unknown',
    decision: event.decision,
    durationMs: num(a['durationMs']) ?? 0,
    endTimeMs: Date.parse(event.time) || undefined,
    kind: event.kind,
    reason: str(a['reason']),
    requestId: event.requestId,
    status: num(a['status']),
    model: str(a['model']),
    stream: typeof a['stream'] === 'boolean' ? a['stream'] : undefined,
    upstream: str(a['upstream']),
    inputTokens: num(a['promptTokens']),
    outputTokens: num(a['completionTokens']),
    findings,
    ...extra,
  };
}
