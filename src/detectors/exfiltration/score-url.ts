// Scores how much a URL looks like it carries data out: encoded or random values, conversation words, suspicious destinations.
import { isCollectorHost } from './collector-hosts.js';

/** Words of the conversation that should never travel in a URL; built once per system prompt / prompt. */
export interface ConversationClues {
  systemWords: ReadonlySet<string>;
  promptWords: ReadonlySet<string>;
  /** Lower-cased canary strings. */
  canaries: readonly string[];
  /** Lower-cased heads of the system prompt and user prompt, for values copied from them verbatim. */
  systemText: string;
  promptText: string;
}

export interface UrlAssessment {
  host: string;
  /** Evidence that the URL carries data (values, conversation words, templates), 0..~1. */
  data: number;
  /** Evidence that the destination is a sink (IP literal, odd port, request collector), 0..~0.4. */
  destination: number;
  reasons: string[];
  /** The URL holds text of this conversation (a canary, system-prompt words, a value copied from a prompt). */
  confirmed: boolean;
  /** Host and shortened path with parameter names only: never a parameter value. */
  evidence: string;
}

const MAX_PARAMS = 64;
const MAX_SEGMENTS = 32;
/** Decoded text pooled for the conversation-word check; the head of a URL carries the evidence. */
const MAX_POOL = 4000;

const BASE64ISH = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;
const HEXISH = /^(?:[0-9a-fA-F]{2}){8,}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const WORD = /[\p{L}\p{N}]{4,}/gu;
const WORD_SPLIT = /[\s+]+/;
/** Percent-escapes other than %20 (a space is ordinary text); many of them mean bytes, not words. */
const PERCENT_ESCAPE = /%(?!20)[0-9a-fA-F]{2}/g;
const PRINTABLE = /[\p{L}\p{N}\p{P}\p{Zs}]/u;
/**
 * Template slots an injected instruction asks the model to fill: {conversation}, [SECRET], <DATA>, $USER_EMAIL.
 * Looked for in the query and fragment only: `{owner}` in a path is an API route template, not a slot for data.
 */
const PLACEHOLDER =
  /\{\{?\s*[\w .-]{1,40}\}\}?|\[[A-Z][A-Z0-9_ ]{2,40}\]|<[A-Z][A-Z0-9_ ]{2,40}>|\$\{?[A-Z][A-Z0-9_]{2,40}\}?|\b(?:CONVERSATION|CHAT_HISTORY|SECRETS?|SUMMARY|MEMORY|PASSWORD)\b/;

interface ValueReading {
  score: number;
  reason: string;
  /** Text revealed by decoding, for the conversation-word check. */
  revealed?: string;
}

function shannonBitsPerChar(s: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) counts.set(s.charCodeAt(i), (counts.get(s.charCodeAt(i)) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

function characterClasses(s: string): number {
  return Number(/[a-z]/.test(s)) + Number(/[A-Z]/.test(s)) + Number(/[0-9]/.test(s));
}

/** The decoded bytes as text when at least 85% of it is printable; binary (a random token) gives undefined. */
function asReadableText(bytes: Buffer): string | undefined {
  if (bytes.length < 6) return undefined;
  const text = bytes.toString('utf8');
  let printable = 0;
  let total = 0;
  for (const ch of text) {
    total++;
    if (PRINTABLE.test(ch)) printable++;
  }
  return printable / total >= 0.85 ? text : undefined;
}

/** Reads one value (query value, path segment, fragment, host label) for signs that it is data. */
function readValue(v: string): ValueReading | undefined {
  if (v.length < 8) return undefined;
  let r: ValueReading | undefined;
  if (UUID.test(v)) return { score: 0.05, reason: 'identifier' };
  // Hex first: every hex string is also in the base64 alphabet, and lower-cased hosts keep only hex intact.
  if (HEXISH.test(v) && /[a-fA-F]/.test(v) && /[0-9]/.test(v)) {
    const revealed = asReadableText(Buffer.from(v.slice(0, 4096), 'hex'));
    r = revealed ? { score: 0.45, reason: 'hex value that decodes to text', revealed } : { score: 0.3, reason: 'hex value' };
  } else if (BASE64ISH.test(v) && characterClasses(v) >= 2) {
    const revealed = asReadableText(Buffer.from(v.slice(0, 4096), 'base64'));
    r = revealed
      ? { score: 0.5, reason: 'base64 value that decodes to text', revealed }
      : { score: 0.3, reason: 'base64-like value' };
  } else {
    const words = v.trim().split(WORD_SPLIT).length;
    // Search links carry a few words too; a sentence is a stronger sign, and a long one gains the length bonus.
    if (words >= 10) r = { score: 0.3, reason: 'sentence in a URL value', revealed: v };
    else if (words >= 4) r = { score: 0.2, reason: 'text in a URL value', revealed: v };
    else if (v.length >= 20 && shannonBitsPerChar(v) >= 4) r = { score: 0.3, reason: 'high-entropy value' };
  }
  if (v.length >= 64) {
    r ??= { score: 0, reason: 'long value' };
    r.score += v.length >= 256 ? 0.2 : 0.1;
  }
  return r;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const shorten = (s: string, max: number): string => (s.length > max ? `${s.slice(0, 6)}…` : s);

/** "host/short/path?name=…&name2=…": what the analyst needs, without the values that may hold the leaked data. */
function describe(url: URL): string {
  const host = url.hostname.split('.').map((l) => shorten(l, 24)).join('.');
  const port = url.port ? `:${url.port}` : '';
  let path = url.pathname
    .split('/')
    .map((s) => shorten(s, 24))
    .join('/');
  if (path.length > 40) path = `${path.slice(0, 40)}…`;
  const names: string[] = [];
  let count = 0;
  for (const [k] of url.searchParams) {
    if (count++ < 4) names.push(`${shorten(k, 16)}=…`);
  }
  const query = names.length ? `?${names.join('&')}${count > 4 ? '&…' : ''}` : '';
  return `${host}${port}${path === '/' ? '' : path}${query}${url.hash ? '#…' : ''}`;
}

/** Parses a candidate with WHATWG URL; protocol-relative URLs are read as https. Undefined when not http(s). */
export function parseUrl(raw: string): URL | undefined {
  try {
    const url = new URL(raw.startsWith('//') ? `https:${raw}` : raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

export interface AssessOptions {
  /** The URL was longer than maxUrlLength and was cut for analysis. */
  truncated: boolean;
  /** Count template placeholders: they mark an exfiltration instruction (input, retrieved content), not a leak. */
  templates: boolean;
  /**
   * Count the user's own words as evidence. Not in tool calls: an agent that searches for what the user asked
   * puts the prompt into a URL by design.
   */
  promptEvidence: boolean;
  clues: () => ConversationClues | undefined;
}

export function assessUrl(url: URL, raw: string, o: AssessOptions): UrlAssessment {
  const reasons: string[] = [];
  const readings: ValueReading[] = [];
  const pool: string[] = [];
  let params = 0;
  const take = (v: string, weight: number, poolIt: boolean): void => {
    const r = readValue(v);
    if (r) readings.push({ ...r, score: r.score * weight });
    if (poolIt || (r && r.score >= 0.2)) pool.push(r?.revealed ?? v);
    else if (r?.revealed) pool.push(r.revealed);
  };
  for (const [k, v] of url.searchParams) {
    if (++params > MAX_PARAMS) break;
    take(v === '' ? k : v, 1, true);
  }
  // "https://<data>@evil.example/": the user-info part is sent with a followed link and is easy to overlook.
  if (url.username) take(safeDecode(url.username), 1, true);
  if (url.password) take(safeDecode(url.password), 1, true);
  const segments = url.pathname.split('/');
  for (let i = 0; i < segments.length && i < MAX_SEGMENTS; i++) take(safeDecode(segments[i] as string), 0.6, false);
  if (url.hash.length > 1) take(safeDecode(url.hash.slice(1)), 0.8, true);
  const labels = url.hostname.split('.');
  for (let i = 0; i < labels.length - 2; i++) {
    if ((labels[i] as string).length >= 16) take(labels[i] as string, 1, true);
  }

  readings.sort((a, b) => b.score - a.score);
  let data = 0;
  const top = readings[0];
  if (top && top.score >= 0.1) {
    data = top.score;
    reasons.push(top.reason);
    const more = readings.slice(1).filter((r) => r.score >= 0.25).length;
    if (more > 0) {
      data += 0.1 * Math.min(3, more);
      reasons.push(`${more + 1} data-like values`);
    }
  }
  if (params >= 5) {
    data += params >= 10 ? 0.1 : 0.05;
    reasons.push(`${params} parameters`);
  }
  if ((raw.match(PERCENT_ESCAPE)?.length ?? 0) >= 10) {
    data += 0.1;
    reasons.push('heavily percent-encoded');
  }
  if (o.truncated) {
    data += 0.3;
    reasons.push('URL longer than maxUrlLength');
  }
  const decodedRaw = safeDecode(raw.slice(0, MAX_POOL));
  if (o.templates && PLACEHOLDER.test(safeDecode(`${url.search}${url.hash}`.slice(0, MAX_POOL)))) {
    data += 0.35;
    reasons.push('template placeholder');
  }
  const conversation = conversationOverlap(pool, decodedRaw, o.clues(), o.promptEvidence, reasons);
  data += conversation;

  let destination = 0;
  const host = url.hostname;
  if (IPV4.test(host) || host.startsWith('[')) {
    destination += 0.15;
    reasons.push('IP-address host');
  }
  if (url.port !== '') {
    destination += 0.1;
    reasons.push(`port ${url.port}`);
  }
  if (isCollectorHost(host)) {
    destination += 0.2;
    reasons.push('request-collector service');
  }
  return { host, data, destination, reasons, confirmed: conversation >= 0.3, evidence: describe(url) };
}

/** Values this short or long are not looked up in the prompts: too common, or not a copied fragment. */
const MIN_COPIED = 6;
const MAX_COPIED = 200;
const MAX_COPIED_CHECKS = 8;

/** A value copied verbatim from the conversation ("123-45-6789", "John Doe"): which prompt it came from. */
function copiedFrom(values: readonly string[], clues: ConversationClues): 'system' | 'prompt' | undefined {
  let checks = 0;
  let found: 'system' | 'prompt' | undefined;
  for (const v of values) {
    const t = v.trim().toLowerCase();
    if (t.length < MIN_COPIED || t.length > MAX_COPIED || !/[\p{L}\p{N}]{3}/u.test(t)) continue;
    if (++checks > MAX_COPIED_CHECKS) break;
    if (clues.systemText.includes(t)) return 'system';
    if (clues.promptText.includes(t)) found = 'prompt';
  }
  return found;
}

function conversationOverlap(
  values: readonly string[],
  decodedRaw: string,
  clues: ConversationClues | undefined,
  promptEvidence: boolean,
  reasons: string[],
): number {
  if (!clues) return 0;
  let add = 0;
  const lowerRaw = decodedRaw.toLowerCase();
  const lowerPool = values.join(' ').slice(0, MAX_POOL).toLowerCase();
  if (clues.canaries.some((c) => lowerRaw.includes(c) || lowerPool.includes(c))) {
    add += 0.6;
    reasons.push('canary in URL');
  }
  if (clues.systemWords.size === 0 && clues.promptWords.size === 0) return add;
  const copied = copiedFrom(values, clues);
  const seen = new Set<string>();
  let system = 0;
  let prompt = 0;
  for (const w of lowerPool.match(WORD) ?? []) {
    if (seen.has(w)) continue;
    seen.add(w);
    if (clues.systemWords.has(w)) system++;
    else if (clues.promptWords.has(w)) prompt++;
  }
  if (copied === 'system' || system >= 3) {
    add += 0.35;
    reasons.push(copied === 'system' ? 'value copied from the system prompt' : `${system} system-prompt words in URL`);
  } else if (system >= 1) {
    add += 0.1;
    reasons.push('system-prompt word in URL');
  }
  if (!promptEvidence) return add;
  if (copied === 'prompt') {
    add += 0.3;
    reasons.push('value copied from the prompt');
  } else if (prompt >= 3) {
    add += 0.15;
    reasons.push(`${prompt} conversation words in URL`);
  }
  return add;
}
