// Conversion between case results and eval_results rows: responses cut to 4 KB of text, JSON columns parsed back.
import type { Selectable } from 'kysely';
import { BulwarkError } from '../../core/errors.js';
import type { EvalResultsTable } from '../../store/schema-eval.js';
import type { CaseKind, CaseResult, Outcome, TargetResponse, Verdict } from '../types.js';

/** Stored answer text, in UTF-8 bytes. */
export const MAX_STORED_TEXT = 4096;
/** Stored length of the smaller strings of a response (tool arguments, error and block messages). */
const MAX_STORED_FIELD = 1024;
const MAX_TOOL_CALLS = 32;
const MAX_VERDICTS = 64;
const MAX_REASON = 1000;

const OUTCOMES: ReadonlySet<string> = new Set<Outcome>(['pass', 'fail', 'error', 'unscored']);
const KINDS: ReadonlySet<string> = new Set<CaseKind>(['attack', 'control', 'quality']);

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, cut on a code point boundary. */
export function cutUtf8(text: string, maxBytes: number): string {
  // Three bytes per UTF-16 unit at most: short strings need no counting.
  if (text.length * 3 <= maxBytes) return text;
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i) as number;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += cp > 0xffff ? 2 : 1;
  }
  return text.slice(0, i);
}

function cut(s: string, max = MAX_STORED_FIELD): string {
  return s.length > max ? s.slice(0, max) : s;
}

/** The response as stored: text cut to 4 KB, every other string bounded. */
export function storedResponse(r: TargetResponse): TargetResponse {
  const out: TargetResponse = { text: cutUtf8(r.text ?? '', MAX_STORED_TEXT), latencyMs: r.latencyMs };
  if (r.toolCalls?.length) out.toolCalls = r.toolCalls.slice(0, MAX_TOOL_CALLS).map((c) => ({ name: cut(c.name, 200), arguments: cutUtf8(c.arguments, MAX_STORED_FIELD) }));
  if (r.blocked) out.blocked = { by: cut(r.blocked.by, 200), message: cut(r.blocked.message) };
  if (r.error) out.error = { ...r.error, code: cut(r.error.code, 200), message: cut(r.error.message) };
  if (r.usage) out.usage = r.usage;
  if (r.sessionId !== undefined) out.sessionId = cut(r.sessionId, 200);
  return out;
}

function storedVerdicts(verdicts: readonly Verdict[]): Verdict[] {
  return verdicts.slice(0, MAX_VERDICTS).map((v) => (v.reason !== undefined && v.reason.length > MAX_REASON ? { ...v, reason: v.reason.slice(0, MAX_REASON) } : v));
}

export function toRow(runId: string, idx: number, r: CaseResult): Selectable<EvalResultsTable> {
  if (!OUTCOMES.has(r.outcome)) throw new TypeError(`unknown outcome ${JSON.stringify(r.outcome)}`);
  if (!KINDS.has(r.kind)) throw new TypeError(`unknown case kind ${JSON.stringify(r.kind)}`);
  if (!Number.isSafeInteger(r.repeat) || r.repeat < 0) throw new TypeError('repeat must be a non-negative integer');
  return {
    run_id: runId,
    idx,
    case_id: r.caseId,
    target: r.target,
    repeat: r.repeat,
    category: r.category,
    kind: r.kind,
    outcome: r.outcome,
    refused: r.refused ? 1 : 0,
    verdicts: JSON.stringify(storedVerdicts(r.verdicts)),
    response: JSON.stringify(storedResponse(r.response)),
    started_at: r.startedAt,
    duration_ms: Number.isFinite(r.durationMs) ? r.durationMs : 0,
  };
}

export function fromRow(row: Selectable<EvalResultsTable>): CaseResult {
  let verdicts: Verdict[];
  let response: TargetResponse;
  try {
    verdicts = JSON.parse(row.verdicts) as Verdict[];
    response = JSON.parse(row.response) as TargetResponse;
  } catch (e) {
    throw new BulwarkError('ERR_STORE', `result ${row.idx} of run ${row.run_id} is damaged: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
      context: { runId: row.run_id, idx: Number(row.idx) },
    });
  }
  return {
    caseId: row.case_id,
    category: row.category,
    kind: row.kind as CaseKind,
    repeat: Number(row.repeat),
    target: row.target,
    outcome: row.outcome as Outcome,
    verdicts: Array.isArray(verdicts) ? verdicts : [],
    response,
    refused: Number(row.refused) === 1,
    startedAt: row.started_at,
    durationMs: Number(row.duration_ms),
  };
}
