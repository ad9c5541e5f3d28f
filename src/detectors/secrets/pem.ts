// Private keys in PEM armour (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted, PGP), whole block as the span; GCP key files.
import { looksFake } from './examples.js';
import type { Scanner, ScanEnv } from './rule.js';

const BEGIN = '-----BEGIN ';
const LABEL_RE = /^[A-Z0-9 ]{0,40}?PRIVATE KEY(?: BLOCK)?$/;
const MAX_LABELS = 32;
/** A real key body has at least this many base64 characters (a P-256 EC key has about 160). */
const MIN_BODY = 60;

function isB64Char(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61;
}

/** Counts base64 characters between `from` and `to`, ignoring whitespace, escaped newlines and header lines. */
function bodyChars(text: string, from: number, to: number): { count: number; sample: string } {
  let count = 0;
  let sample = '';
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (isB64Char(c)) {
      count++;
      if (sample.length < 64) sample += text[i];
    }
  }
  return { count, sample };
}

/** End of a run of base64 body text (letters, digits, +/=, whitespace, literal "\n"), for blocks cut short. */
function bodyRunEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isB64Char(c) || c === 10 || c === 13 || c === 32 || c === 9) i++;
    else if (c === 92 && text[i + 1] === 'n') i += 2;
    else break;
  }
  return i;
}

function keyType(label: string): string {
  const t = label.replace(/ ?PRIVATE KEY(?: BLOCK)?$/, '').trim();
  return t === '' ? 'PKCS8' : t;
}

/** True when the block is the "private_key" string of a JSON document (the service_account test is done once). */
function isJsonPrivateKeyField(text: string, begin: number): boolean {
  if (text[begin - 1] !== '"') return false;
  return /"private_key"\s*:\s*"$/.test(text.slice(Math.max(0, begin - 40), begin));
}

function scanPem(env: ScanEnv): void {
  const { text } = env;
  // First END position per label after the last search; -1 once no END remains: keeps the scan linear.
  const endCache = new Map<string, number>();
  let serviceAccount: boolean | undefined;
  let from = 0;
  while (from < text.length) {
    const begin = text.indexOf(BEGIN, from);
    if (begin < 0) return;
    const labelStart = begin + BEGIN.length;
    const close = text.indexOf('-----', labelStart);
    if (close < 0) return;
    const label = text.slice(labelStart, close);
    if (close - labelStart > 60 || !LABEL_RE.test(label)) {
      from = labelStart;
      continue;
    }
    const headerEnd = close + 5;
    const endMarker = `-----END ${label}-----`;
    let end = endCache.get(label);
    if (end === undefined || (end >= 0 && end < headerEnd)) {
      if (endCache.size >= MAX_LABELS && !endCache.has(label)) return;
      end = text.indexOf(endMarker, headerEnd);
      endCache.set(label, end);
    }
    const truncated = end < 0;
    let blockEnd = truncated ? bodyRunEnd(text, headerEnd) : end + endMarker.length;
    while (truncated && blockEnd > headerEnd && /\s/.test(text[blockEnd - 1]!)) blockEnd--;
    const { count, sample } = bodyChars(text, headerEnd, truncated ? blockEnd : end);
    from = Math.max(blockEnd, headerEnd);
    if (count < MIN_BODY) continue;
    if (env.ignoreExamples && looksFake(sample)) continue;
    const encrypted = label.includes('ENCRYPTED') || text.slice(headerEnd, headerEnd + 40).includes('Proc-Type: 4,ENCRYPTED');
    const gcp = !truncated && isJsonPrivateKeyField(text, begin) && (serviceAccount ??= text.includes('"service_account"'));
    const rule = gcp ? 'gcp_service_account_key' : 'private_key';
    if (!env.isEnabled(rule)) continue;
    const score = truncated ? 0.85 : encrypted ? 0.9 : 0.99;
    env.emit({
      rule,
      start: begin,
      end: blockEnd,
      score,
      ...(encrypted ? { severity: 'high' as const } : {}),
      metadata: { keyType: keyType(label), encrypted, truncated },
    });
  }
}

export const PEM_SCANNER: Scanner = {
  name: 'pem',
  anchors: ['-----BEGIN '],
  rules: ['private_key', 'gcp_service_account_key'],
  scan: scanPem,
};
