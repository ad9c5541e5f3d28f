// Redaction of finding spans (from any detector): reversible placeholders with a vault, masks, or keyed hashes,
// and the restore side, including a streaming restorer that never splits a placeholder across output chunks.
import { createHmac } from 'node:crypto';
import { BulwarkError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { severityRank } from '../core/severity.js';

export type RedactionMode = 'placeholder' | 'mask' | 'hash';

/**
 * Placeholder -> original value, for one conversation. It holds RAW personal data and secrets: keep it in
 * memory only as long as the conversation needs it, and never log it, serialise it into an event, a finding,
 * an error or a trace. A plain object (JSON-compatible) so that a gateway can keep it per session.
 */
export interface RedactionVault {
  /** Placeholder text, e.g. "[EMAIL_1]", to the original value. */
  entries: Record<string, string>;
  /** Last number used per label, so placeholders stay unique over several redact() calls on one vault. */
  counters: Record<string, number>;
}

export interface RedactOptions {
  /** 'placeholder' (default): "[EMAIL_1]", reversible. 'mask': "[REDACTED]", irreversible. 'hash': "[EMAIL_3f2a9c]". */
  mode?: RedactionMode;
  /** Extend this vault (the same value keeps its placeholder across turns); a new one is made otherwise. */
  vault?: RedactionVault;
  /** HMAC-SHA256 key for 'hash' mode: equal values give equal placeholders wherever the same key is used. */
  hashKey?: string | Uint8Array;
}

export interface RedactResult {
  text: string;
  /** The vault that restores the placeholders of `text` (empty in 'mask' mode). See RedactionVault. */
  vault: RedactionVault;
}

export const MASK = '[REDACTED]';
const HASH_LENGTH = 6;
// Placeholders made here: "[LABEL_12]" or "[LABEL_3f2a9c]", LABEL being upper-case letters, digits and '_'.
const PLACEHOLDER = /\[[A-Z][A-Z0-9_]{0,40}_[0-9a-f]{1,64}\]/g;
// What the end of a chunk looks like when a placeholder may be cut there (held back until it completes).
const PLACEHOLDER_PREFIX = /^\[(?:[A-Z][A-Za-z0-9_]*)?$/;

export function createVault(): RedactionVault {
  return { entries: {}, counters: {} };
}

/** "credit_card" -> "CREDIT_CARD", "aws-access-key" -> "AWS_ACCESS_KEY"; never empty, at most 32 characters. */
export function placeholderLabel(category: string): string {
  const label = category
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^[^A-Z]+|_+$/g, '')
    .slice(0, 32);
  return label === '' ? 'REDACTED' : label;
}

interface Region {
  start: number;
  end: number;
  finding: Finding;
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** The spans to replace: validated, widened so no surrogate pair is cut, overlaps merged. */
function regions(text: string, findings: readonly Finding[]): Region[] {
  const list: Region[] = [];
  for (const f of findings) {
    if (!f.span) continue;
    let { start, end } = f.span;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > text.length || start >= end) {
      throw new BulwarkError('ERR_INPUT_INVALID', 'finding span does not fit the text', {
        context: { detector: f.detector, category: f.category, start, end, length: text.length },
      });
    }
    if (start > 0 && isLow(text.charCodeAt(start)) && isHigh(text.charCodeAt(start - 1))) start--;
    if (end < text.length && isLow(text.charCodeAt(end)) && isHigh(text.charCodeAt(end - 1))) end++;
    list.push({ start, end, finding: f });
  }
  list.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Region[] = [];
  for (const r of list) {
    const last = merged[merged.length - 1];
    if (last && r.start < last.end) {
      last.end = Math.max(last.end, r.end);
      // The merged region keeps the label of its most serious finding.
      const a = last.finding;
      const b = r.finding;
      if (severityRank(b.severity) > severityRank(a.severity) || (b.severity === a.severity && b.score > a.score)) last.finding = b;
    } else {
      merged.push({ ...r });
    }
  }
  return merged;
}

function hashOf(key: string | Uint8Array, label: string, value: string, length: number): string {
  return createHmac('sha256', key).update(`${label}\u0000${value}`).digest('hex').slice(0, length);
}

/**
 * Replaces the spans of `findings` in `text`. Overlapping spans become one replacement; findings without a span
 * are ignored; a span outside the text throws ERR_INPUT_INVALID (redacting the wrong characters would leak).
 */
export function redact(text: string, findings: readonly Finding[], options: RedactOptions = {}): RedactResult {
  const mode = options.mode ?? 'placeholder';
  if (mode === 'hash' && (options.hashKey === undefined || options.hashKey.length === 0)) {
    throw new TypeError('redact: hash mode needs a non-empty hashKey');
  }
  const vault = options.vault ?? createVault();
  // Placeholder-shaped strings the text already holds; a new placeholder must not be one of them.
  const inText = new Set(text.includes('[') ? text.match(PLACEHOLDER) : null);
  const byValue = new Map<string, string>();
  for (const [placeholder, value] of Object.entries(vault.entries)) {
    byValue.set(`${placeholder.slice(1, placeholder.lastIndexOf('_'))}\u0000${value}`, placeholder);
  }

  const placeholderFor = (label: string, value: string): string => {
    const key = `${label}\u0000${value}`;
    const known = byValue.get(key);
    if (known !== undefined) return known;
    let placeholder: string;
    if (mode === 'hash') {
      // Lengthen the hash on the (rare) collision with another value in this vault.
      let length = HASH_LENGTH;
      do {
        placeholder = `[${label}_${hashOf(options.hashKey as string | Uint8Array, label, value, length)}]`;
        length += 2;
      } while ((Object.hasOwn(vault.entries, placeholder) || inText.has(placeholder)) && length <= 64);
    } else {
      // Skip numbers whose placeholder already appears in the text, so a restore cannot confuse the two.
      let n = Object.hasOwn(vault.counters, label) ? (vault.counters[label] ?? 0) : 0;
      do {
        n++;
        placeholder = `[${label}_${n}]`;
      } while (Object.hasOwn(vault.entries, placeholder) || inText.has(placeholder));
      vault.counters[label] = n;
    }
    vault.entries[placeholder] = value;
    byValue.set(key, placeholder);
    return placeholder;
  };

  let out = '';
  let at = 0;
  for (const r of regions(text, findings)) {
    out += text.slice(at, r.start);
    out += mode === 'mask' ? MASK : placeholderFor(placeholderLabel(r.finding.category), text.slice(r.start, r.end));
    at = r.end;
  }
  out += text.slice(at);
  return { text: out, vault };
}

/** Puts the original values back for every placeholder of the vault; unknown placeholders are left as they are. */
export function restore(text: string, vault: RedactionVault): string {
  if (!text.includes('[')) return text;
  return text.replace(PLACEHOLDER, (p) => (Object.hasOwn(vault.entries, p) ? (vault.entries[p] as string) : p));
}

export interface Restorer {
  /** Restored text that is safe to send now; an unfinished placeholder at the end is held back. */
  push(chunk: string): string;
  /** Whatever is still held back, restored. Call once when the stream ends. */
  flush(): string;
}

/** A restorer for text that arrives in chunks (a streamed model response): placeholders split across chunks still restore. */
export function createRestorer(vault: RedactionVault): Restorer {
  let pending = '';
  let knownEntries = -1;
  let longest = 0;
  return {
    push(chunk) {
      const count = Object.keys(vault.entries).length;
      if (count !== knownEntries) {
        knownEntries = count;
        longest = Object.keys(vault.entries).reduce((n, p) => Math.max(n, p.length), 0);
      }
      pending += chunk;
      let cut = pending.length;
      const open = pending.lastIndexOf('[');
      if (open !== -1 && pending.length - open < longest && PLACEHOLDER_PREFIX.test(pending.slice(open))) cut = open;
      const ready = pending.slice(0, cut);
      pending = pending.slice(cut);
      return restore(ready, vault);
    },
    flush() {
      const rest = restore(pending, vault);
      pending = '';
      return rest;
    },
  };
}
