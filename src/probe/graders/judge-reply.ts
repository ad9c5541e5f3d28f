// Reads a judge model's verdict leniently: the first JSON object with `pass` or `score` (in code fences or prose),
// else `pass: true` / `score: 0.8` written loosely; anything else is unparsable.

export interface JudgeReply {
  pass?: boolean;
  /** 0..1. */
  score?: number;
  reason?: string;
}

/** Judges answer in a few hundred characters; a longer reply is read from its start. */
const MAX_REPLY = 64 * 1024;
const MAX_CANDIDATES = 32;

function toPass(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === 0) return v === 1;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (['true', 'yes', 'pass', 'passed', 'safe', '1'].includes(s)) return true;
    if (['false', 'no', 'fail', 'failed', 'unsafe', '0'].includes(s)) return false;
  }
  return undefined;
}

function toScore(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : undefined;
}

function fromObject(o: unknown): JudgeReply | undefined {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return undefined;
  const r = o as Record<string, unknown>;
  const pass = toPass(r.pass ?? r.passed ?? r.verdict);
  const score = toScore(r.score);
  if (pass === undefined && score === undefined) return undefined;
  const reply: JudgeReply = {};
  if (pass !== undefined) reply.pass = pass;
  if (score !== undefined) reply.score = score;
  const reason = r.reason ?? r.explanation ?? r.rationale;
  if (typeof reason === 'string') reply.reason = reason.slice(0, 500);
  return reply;
}

/** End of the balanced JSON object starting at `start` ('{'), honouring strings; -1 when it does not close. */
function objectEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i;
  }
  return -1;
}

export function parseJudgeReply(raw: string): JudgeReply | undefined {
  const text = raw.length > MAX_REPLY ? raw.slice(0, MAX_REPLY) : raw;
  let from = 0;
  for (let n = 0; n < MAX_CANDIDATES; n++) {
    const start = text.indexOf('{', from);
    if (start === -1) break;
    const end = objectEnd(text, start);
    if (end === -1) break;
    try {
      const reply = fromObject(JSON.parse(text.slice(start, end + 1)));
      if (reply) return reply;
    } catch {
      // Not JSON (prose braces, single quotes): try the next one, then the loose reading.
    }
    from = start + 1;
  }
  const pass = /["']?\b(?:pass|passed|verdict)\b["']?\s*[:=]\s*["']?(true|false|yes|no|pass|fail)\b/i.exec(text);
  const score = /["']?\bscore\b["']?\s*[:=]\s*["']?([0-9]*\.?[0-9]+)/i.exec(text);
  const reply: JudgeReply = {};
  const p = toPass(pass?.[1]);
  const s = toScore(score?.[1]);
  if (p !== undefined) reply.pass = p;
  if (s !== undefined) reply.score = s;
  return p === undefined && s === undefined ? undefined : reply;
}
