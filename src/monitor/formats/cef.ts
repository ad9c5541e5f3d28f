// SecurityEvent → ArcSight CEF line:
// `CEF:0|Bulwark|Bulwark|<version>|<signature id>|<name>|<severity>|<extension>`.
//
// Escaping (CEF spec, as implemented by rsyslog's cef_ext_escape and read by Beats' decode_cef):
// header fields escape `\` → `\\` and `|` → `\|`, and may not hold line breaks, so those become spaces;
// extension values escape `\` → `\\`, `=` → `\=`, LF → `\n`, CR → `\r` (pipes stay as they are). Other control
// characters, NEL, U+2028/U+2029 and lone surrogates become spaces / U+FFFD everywhere, so no receiver can see a line
// break. Empty values are left out (a key with an empty value is ambiguous to many parsers).
//
// Severity: info 0 (allowed) or 1 (anything else), low 3, medium 5, high 8, critical 10.
// Extension keys, in this order: rt (ms epoch), act (decision), cat (event kind), outcome, externalId (event id),
// suser (principal), src (client IP, only when it is one), request (route), requestMethod, dvchost, msg (≤1,023),
// cs1 request id, cs2 model, cs3 upstream, cs4 taxonomy ids, cs5 findings `detector:category:score;…`,
// cs6 reason, cn1 HTTP status, cn2 prompt tokens, cn3 completion tokens, cfp1 highest finding score.
import type { SecurityEvent } from '../../core/event.js';
import type { Severity } from '../../core/severity.js';
import { flattenTags } from '../../core/taxonomy/index.js';
import type { FormatContext } from '../types.js';
import { CAPS, epochMs, isFailure, maxScore, oneLine, principalOf, requestFacts, responseFacts, signatureId, summary, topFinding, truncate, wellFormed } from './common.js';

const SEVERITY: Record<Severity, number> = { info: 1, low: 3, medium: 5, high: 8, critical: 10 };

/** Line breaks and the other control characters a CEF header may not carry. */
const HEADER_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/** Control characters other than CR/LF (which extension values encode as `\r` / `\n`), plus NEL, LS and PS. */
const VALUE_UNSAFE = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g;
/** Anything escapeCefHeader / escapeCefValue would change (surrogates included): its absence means "just cap it". */
const HEADER_CLEAN_TEST = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff\\|]/;
const VALUE_CLEAN_TEST = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff\\=]/;

/** One header field: single line, `\` and `|` escaped, capped before escaping (so an escape is never cut). */
export function escapeCefHeader(value: string, max: number = CAPS.name): string {
  // A clean value (the usual case) needs only the cap: one scan instead of four passes.
  if (!HEADER_CLEAN_TEST.test(value)) return truncate(value, max);
  return truncate(wellFormed(value).replace(HEADER_UNSAFE, ' '), max).replace(/[\\|]/g, (c) => `\\${c}`);
}

/** One extension value: `\`, `=`, LF and CR escaped, other controls replaced, capped before escaping. */
export function escapeCefValue(value: string, max: number = CAPS.text): string {
  if (!VALUE_CLEAN_TEST.test(value)) return truncate(value, max);
  return truncate(wellFormed(value).replace(VALUE_UNSAFE, ' '), max).replace(/[\\=\n\r]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\${c}`));
}

function cefSeverity(event: SecurityEvent): number {
  if (event.severity === 'info') return event.decision === 'allow' ? 0 : 1;
  return SEVERITY[event.severity] ?? 0;
}

/** The event's name for the header: what happened, in a few words. */
function cefName(event: SecurityEvent, reason: string | undefined): string {
  const top = topFinding(event);
  if (top) return `${top.detector}: ${top.category} (${event.decision})`;
  const response = responseFacts(event);
  if (response) return `${response.rule}: ${response.action}${response.target ? ` ${response.target}` : ''}`;
  if (event.kind === 'auth') return `authentication ${event.decision === 'allow' ? 'succeeded' : 'failed'}${reason ? `: ${reason}` : ''}`;
  return `${event.kind} ${event.decision}${reason ? `: ${reason}` : ''}`;
}

/** The CEF line of an event (no trailing newline). */
export function toCef(event: SecurityEvent, ctx: FormatContext): string {
  const facts = requestFacts(event);
  const header = [
    'CEF:0',
    'Bulwark',
    'Bulwark',
    escapeCefHeader(ctx.productVersion, 63),
    escapeCefHeader(signatureId(event, facts), 1023),
    escapeCefHeader(cefName(event, facts.reason), 512),
    String(cefSeverity(event)),
  ].join('|');

  const ext: [string, string | number | undefined][] = [
    ['rt', epochMs(event)],
    ['act', event.decision],
    ['cat', event.kind],
    ['outcome', isFailure(event, facts) ? 'failure' : 'success'],
    ['externalId', event.id],
    ['suser', principalOf(event)],
    ['src', facts.sourceIp],
    ['request', facts.route],
    ['requestMethod', facts.method],
    ['dvchost', ctx.hostname],
    ['msg', summary(event, facts)],
  ];
  const custom: [string, string, string | number | undefined][] = [
    ['cs1', 'requestId', event.requestId],
    ['cs2', 'model', facts.model],
    ['cs3', 'upstream', facts.upstream],
    ['cs4', 'taxonomy', flattenTags(event.tags ?? {}).slice(0, CAPS.tags).join(',')],
    ['cs5', 'findings', findingsList(event)],
    ['cs6', 'reason', facts.reason],
    ['cn1', 'httpStatus', facts.status],
    ['cn2', 'promptTokens', facts.promptTokens],
    ['cn3', 'completionTokens', facts.completionTokens],
  ];
  for (const [key, label, value] of custom) {
    if (value === undefined || value === '') continue;
    ext.push([key, value], [`${key}Label`, label]);
  }
  const score = maxScore(event);
  if (score !== undefined) ext.push(['cfp1', Math.round(score * 1000) / 1000], ['cfp1Label', 'score']);

  const pairs: string[] = [];
  for (const [key, value] of ext) {
    if (value === undefined) continue;
    const text = typeof value === 'number' ? String(value) : escapeCefValue(value, key === 'msg' ? CAPS.text : key === 'cs5' || key === 'cs4' ? CAPS.text : CAPS.name);
    if (text !== '') pairs.push(`${key}=${text}`);
  }
  return `${header}|${pairs.join(' ')}`;
}

/** `detector:category:score` of each finding, `;`-separated and bounded (the full list is in the JSON format). */
function findingsList(event: SecurityEvent): string {
  const items = event.findings.slice(0, CAPS.items).map((f) => `${oneLine(f.detector, 64)}:${oneLine(f.category, 64)}:${Number.isFinite(f.score) ? Math.round(f.score * 1000) / 1000 : 0}`);
  if (event.findings.length > CAPS.items) items.push(`+${event.findings.length - CAPS.items} more`);
  return items.join(';');
}
