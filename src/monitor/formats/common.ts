// Shared pieces of the wire formats: size caps, text cleaning, and the event facts every format reads
// (route, model, tokens, source address...) taken defensively from the free-form attributes.
import { isIP } from 'node:net';
import type { Decision, SecurityEvent } from '../../core/event.js';
import type { Finding } from '../../core/finding.js';
import { severityRank, type Severity } from '../../core/severity.js';

/**
 * Caps on what one event may put on the wire. Events are already redacted and usually small, but their strings
 * come from detectors, clients and upstreams, so every free-text field is bounded (UTF-16 units; an ellipsis marks
 * a cut) and every list is bounded, which keeps one formatted line under a few tens of KiB whatever the input.
 */
export const CAPS = {
  /** Summaries and descriptions (OCSF message/desc, ECS message, CEF msg: ArcSight's 1,023-character limit). */
  text: 1023,
  /** Identifiers and names: principal, detector, category, model, route, upstream, reason, host. */
  name: 256,
  /** One finding's already-redacted evidence excerpt. */
  evidence: 512,
  /** Findings, failures and analytics listed in detail; the rest are counted, not listed. */
  items: 50,
  /** Taxonomy ids and ATLAS attack entries. */
  tags: 64,
  /** Generic JSON copies of attributes/metadata: depth, keys per object, items per array, string length. */
  depth: 6,
  keys: 64,
  array: 64,
  string: 4096,
} as const;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Line breaks of every kind a receiver might split on (LF, CR, NEL, LS, PS), and the other C0/C1 controls. */
const LINE_BREAKS = /[\n\r\u0085\u2028\u2029]/g;
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f]/g;
/** LINE_BREAKS, CONTROLS and any surrogate (a well-formed pair takes the slow path too, harmlessly). */
const NOT_ONE_LINE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff]/;

/** Cuts to `max` UTF-16 units without splitting a surrogate pair, marking the cut with an ellipsis. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max - 1;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${s.slice(0, end)}…`;
}

/** String.prototype.isWellFormed: in Node 20, not in the ES2022 lib this project compiles against. */
type WellFormedCheck = string & { isWellFormed(): boolean };

/** Replaces lone surrogates (which no UTF-8 encoder can carry faithfully) with U+FFFD. */
export function wellFormed(s: string): string {
  // isWellFormed is a native scan (Node 20+), far cheaper than the regex that almost never matches.
  return (s as WellFormedCheck).isWellFormed() ? s : s.replace(LONE_SURROGATE, '\ufffd');
}

/**
 * Free text for a field that must stay on one line: line breaks and control characters become spaces, lone
 * surrogates become U+FFFD, then the cap applies.
 */
export function oneLine(s: string, max: number): string {
  // Nearly every value is clean: one scan for anything the cleaning would touch, instead of three passes.
  if (!NOT_ONE_LINE.test(s)) return truncate(s, max);
  return truncate(wellFormed(s).replace(LINE_BREAKS, ' ').replace(CONTROLS, ' '), max);
}

/** Characters the JSON line writer (JSON.stringify, then stringifyLine) writes as more than one character. */
const JSON_EXPANDS = /[\u0000-\u001f"\\\u0080-\u009f\u2028\u2029]/;

/** Characters `c` takes in the written JSON: `\uXXXX` for controls, `\n`-style pairs, 1 otherwise. */
function jsonWidth(c: number): number {
  if (c === 0x22 || c === 0x5c || c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d) return 2;
  if (c < 0x20 || (c >= 0x80 && c <= 0x9f) || c === 0x2028 || c === 0x2029) return 6;
  return 1;
}

/**
 * Free text for JSON output (JSON escapes controls itself): well-formed and capped at `max` characters as written,
 * escapes counted — a string of control characters would otherwise take six times its cap on the wire.
 */
export function jsonText(s: string, max: number): string {
  const w = wellFormed(s);
  if (!JSON_EXPANDS.test(w)) return truncate(w, max);
  let width = 0;
  for (let i = 0; i < w.length; i++) {
    width += jsonWidth(w.charCodeAt(i));
    if (width > max - 1) {
      // Cut before this character (not inside a surrogate pair) and mark the cut.
      let end = i;
      const last = w.charCodeAt(end - 1);
      if (last >= 0xd800 && last <= 0xdbff) end--;
      return i === w.length - 1 && width <= max ? w : `${w.slice(0, end)}…`;
    }
  }
  return w;
}

const JSON_LINE_BREAKS = /[\u0080-\u009f\u2028\u2029]/g;

/**
 * JSON.stringify, with the C1 controls (NEL among them) and U+2028/U+2029 escaped as well: JSON allows them raw,
 * but some line-oriented receivers (Python's splitlines, JavaScript before ES2019) treat them as line ends.
 */
export function stringifyLine(value: unknown): string {
  const line = JSON.stringify(value);
  // As many UTF-8 bytes as UTF-16 units: all ASCII, nothing to escape (a native count, cheaper than the scan).
  if (Buffer.byteLength(line, 'utf8') === line.length) return line;
  return line.replace(JSON_LINE_BREAKS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A bounded, JSON-safe copy of free structured data (attributes, finding metadata); undefined when empty. */
export function boundedJson(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return jsonText(value, CAPS.string);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null; // as JSON.stringify does
  if (typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined;
  if (depth >= CAPS.depth) return '[truncated]';
  if (Array.isArray(value)) return value.slice(0, CAPS.array).map((v: unknown) => boundedJson(v, depth + 1) ?? null);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const key of Object.keys(value)) {
    if (n++ >= CAPS.keys) break;
    const v = boundedJson((value as Record<string, unknown>)[key], depth + 1);
    if (v !== undefined) out[jsonText(key, CAPS.name)] = v;
  }
  return out;
}

/** Milliseconds since the epoch of the event's ISO time; 0 when the stored time is unreadable. */
export function epochMs(event: SecurityEvent): number {
  const t = Date.parse(event.time);
  return Number.isFinite(t) ? t : 0;
}

/** The request facts the gateway records in `attributes` (see src/gateway/request-event.ts), each checked. */
export interface RequestFacts {
  route?: string;
  method?: string;
  model?: string;
  upstream?: string;
  provider?: string;
  policy?: string;
  status?: number;
  promptTokens?: number;
  completionTokens?: number;
  durationMs?: number;
  stream?: boolean;
  reason?: string;
  /** Client address, only when it parses as an IPv4/IPv6 address. */
  sourceIp?: string;
}

/** Attribute names that may hold the client address (the gateway's name for it is not settled yet). */
const SOURCE_IP_KEYS = ['sourceIp', 'clientIp', 'remoteAddress', 'sourceAddress', 'ip'];

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? oneLine(v, CAPS.name) : undefined;
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

export function requestFacts(event: SecurityEvent): RequestFacts {
  const a = event.attributes ?? {};
  const facts: RequestFacts = {
    route: str(a['route']),
    method: str(a['method']),
    model: str(a['model']),
    upstream: str(a['upstream']),
    provider: str(a['provider']),
    policy: str(a['policy']),
    status: typeof a['status'] === 'number' && Number.isInteger(a['status']) && a['status'] >= 0 && a['status'] < 1000 ? a['status'] : undefined,
    promptTokens: count(a['promptTokens']),
    completionTokens: count(a['completionTokens']),
    durationMs: typeof a['durationMs'] === 'number' && Number.isFinite(a['durationMs']) && a['durationMs'] >= 0 ? a['durationMs'] : undefined,
    stream: typeof a['stream'] === 'boolean' ? a['stream'] : undefined,
    reason: str(a['reason']),
  };
  for (const key of SOURCE_IP_KEYS) {
    const v = a[key];
    // Strip an IPv6 zone and the IPv4-mapped prefix node:http reports (`::ffff:127.0.0.1`).
    if (typeof v === 'string' && v.length <= 64) {
      const ip = v.startsWith('::ffff:') && isIP(v.slice(7)) === 4 ? v.slice(7) : v;
      if (isIP(ip) !== 0) {
        facts.sourceIp = ip;
        break;
      }
    }
  }
  return facts;
}

/** Principal name, bounded and single-line. */
export function principalOf(event: SecurityEvent): string | undefined {
  return typeof event.principal === 'string' && event.principal !== '' ? oneLine(event.principal, CAPS.name) : undefined;
}

/** The finding that best names the event: highest severity, then highest score, then first. */
export function topFinding(event: SecurityEvent): Finding | undefined {
  let best: Finding | undefined;
  for (const f of event.findings) {
    if (!best) best = f;
    else {
      const d = severityRank(f.severity) - severityRank(best.severity);
      if (d > 0 || (d === 0 && f.score > best.score)) best = f;
    }
  }
  return best;
}

/** Highest finding score, clamped to 0..1; undefined without findings. */
export function maxScore(event: SecurityEvent): number | undefined {
  let max: number | undefined;
  for (const f of event.findings) {
    const s = Number.isFinite(f.score) ? Math.min(1, Math.max(0, f.score)) : 0;
    if (max === undefined || s > max) max = s;
  }
  return max;
}

/** A detection worth an analyst's attention: findings the policy blocked or flagged, or an alert rule that fired. */
export function isAlert(event: SecurityEvent): boolean {
  return (event.findings.length > 0 || event.kind === 'response') && (event.decision === 'block' || event.decision === 'flag');
}

/** What an automated response (kind `response`, src/monitor/rules/response-event.ts) did, each field checked. */
export interface ResponseFacts {
  rule: string;
  action: string;
  target?: string;
  until?: string;
  triggeredBy?: string;
}

export function responseFacts(event: SecurityEvent): ResponseFacts | undefined {
  if (event.kind !== 'response') return undefined;
  const a = event.attributes ?? {};
  return { rule: str(a['rule']) ?? 'unknown', action: str(a['action']) ?? 'unknown', target: str(a['target']), until: str(a['until']), triggeredBy: str(a['triggeredBy']) };
}

/** The request was refused or failed (from the client's point of view). */
export function isFailure(event: SecurityEvent, facts: RequestFacts): boolean {
  return event.decision === 'block' || event.decision === 'error' || (facts.status !== undefined && facts.status >= 400);
}

/**
 * A stable short identifier of what happened, shared by CEF's Signature ID and ECS `event.code`: the deciding
 * detector for findings, `auth.<reason>` / `limit.<reason>` / `system.<reason>` for refusals, else the kind.
 */
export function signatureId(event: SecurityEvent, facts: RequestFacts): string {
  const top = topFinding(event);
  if (top) return oneLine(top.detector, CAPS.name);
  const response = responseFacts(event);
  if (response) return `response.${response.action}`;
  return facts.reason ? `${event.kind}.${facts.reason}` : event.kind;
}

/** The OpenAI-style operation of a route: `/v1/chat/completions` → `chat.completions`. */
export function operationOf(route: string | undefined): string | undefined {
  if (!route) return undefined;
  // Routes come from a small fixed table: remember their operations (bounded, in case a caller passes many).
  if (operations.has(route)) return operations.get(route);
  const op = computeOperation(route);
  if (operations.size < MAX_REMEMBERED_OPERATIONS) operations.set(route, op);
  return op;
}

const operations = new Map<string, string | undefined>();
const MAX_REMEMBERED_OPERATIONS = 256;

function computeOperation(route: string): string | undefined {
  const path = route.split('?')[0] ?? '';
  const op = path.replace(/^\/(?:api\/)?v\d+\//, '').replace(/^\/+|\/+$/g, '').replace(/\//g, '.');
  return op === '' ? undefined : truncate(op, CAPS.name);
}

const DECISION_WORDS: Record<Decision, string> = { allow: 'allowed', redact: 'redacted', block: 'blocked', flag: 'flagged', error: 'failed' };

/** One-line human summary: what was decided, why, for whom and where. Bounded. */
export function summary(event: SecurityEvent, facts: RequestFacts): string {
  const parts: string[] = [];
  const top = topFinding(event);
  const what = event.kind === 'auth' ? 'authentication' : event.kind === 'limit' ? 'limit' : event.kind === 'detection' ? 'request' : event.kind;
  parts.push(`${what} ${DECISION_WORDS[event.decision] ?? event.decision}`);
  const response = responseFacts(event);
  if (response) {
    parts[0] = `response ${response.action}${response.target ? ` on ${response.target}` : ''}${response.until ? ` until ${response.until}` : ''}`;
    parts.push(`rule ${response.rule}`);
  }
  if (top) {
    const more = event.findings.length > 1 ? ` (+${event.findings.length - 1} more)` : '';
    parts.push(`by ${top.detector}: ${top.category} score ${round(top.score)}${more}`);
  } else if (facts.reason) parts.push(`reason ${facts.reason}`);
  if (event.failures.length > 0) parts.push(`${event.failures.length} detector failure(s)`);
  if (event.principal) parts.push(`principal ${event.principal}`);
  if (facts.route) parts.push(`route ${facts.route}`);
  if (facts.model) parts.push(`model ${facts.model}`);
  return oneLine(parts.join('; '), CAPS.text);
}

function round(n: number): number {
  return Number.isFinite(n) ? Math.round(n * 1000) / 1000 : 0;
}

/** Severity as a 1..5 number (OCSF severity_id; also ECS event.severity). */
export const SEVERITY_ID: Record<Severity, 1 | 2 | 3 | 4 | 5> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
export const SEVERITY_CAPTION: Record<Severity, string> = { info: 'Informational', low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };
