// Shared pieces of the non-pickle format scanners: typed structural errors, turning them into findings, bounded JSON
// parsing (valid UTF-8, nesting depth checked before JSON.parse) and printable names for messages.
import { BulwarkError } from '../../core/errors.js';
import type { ScanContext } from '../context.js';
import { COMMON_RULES } from '../rules.js';
import { EndOfSource } from '../source.js';

/** The error a format parser throws on invalid structure; `offset` is where it was found. */
export function formatError(message: string, offset?: number): BulwarkError {
  return new BulwarkError('ERR_SCAN_FORMAT', message, offset === undefined ? {} : { context: { offset } });
}

/** Like formatError, for a structure that stops before its declared end (a cut download, or a scanner stopper). */
export class Truncated extends BulwarkError {
  constructor(message: string, readonly offset: number) {
    super('ERR_SCAN_FORMAT', message, { context: { offset } });
  }
}

/**
 * Reports a structural error as `scan.truncated` or `scan.malformed` (with its offset) and returns; anything else
 * (ScanAbort, bugs) is rethrown for the dispatcher.
 */
export function reportStructural(ctx: ScanContext, e: unknown, where = ''): void {
  const prefix = where ? `${where}: ` : '';
  if (e instanceof EndOfSource || e instanceof Truncated) {
    ctx.report(COMMON_RULES.truncated, { message: prefix + e.message, offset: e.offset });
    return;
  }
  if (e instanceof BulwarkError && e.code === 'ERR_SCAN_FORMAT') {
    const offset = e.context.offset;
    ctx.report(COMMON_RULES.malformed, { message: prefix + e.message, ...(typeof offset === 'number' ? { offset } : {}) });
    return;
  }
  throw e;
}

/** A name from the file made safe for a one-line message: control characters escaped, length capped. */
export function printable(s: string, max = 120): string {
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return clean.length > max ? `${clean.slice(0, max - 3)}...` : clean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 strictly; throws ERR_SCAN_FORMAT on invalid sequences. */
export function decodeUtf8(buf: Uint8Array, what: string, offset?: number): string {
  try {
    return utf8.decode(buf);
  } catch {
    throw formatError(`${what} is not valid UTF-8`, offset);
  }
}

/** Deepest nesting of objects and arrays in a JSON text (strings skipped); stops counting past `limit`. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** Nesting allowed in model metadata JSON (Keras configs of deep models nest a few dozen levels). */
export const MAX_JSON_DEPTH = 256;

/** Parses JSON text with its nesting bounded; throws ERR_SCAN_FORMAT when too deep or invalid. */
export function parseJsonText(text: string, what: string, offset?: number, maxDepth = MAX_JSON_DEPTH): unknown {
  if (jsonDepth(text, maxDepth) > maxDepth) throw formatError(`${what} nests deeper than ${maxDepth} levels`, offset);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw formatError(`${what} is not valid JSON (${e instanceof Error ? e.message.slice(0, 100) : 'parse error'})`, offset);
  }
}

/** Strict UTF-8 decoding plus bounded JSON parsing of a byte range. */
export function parseJsonBytes(buf: Uint8Array, what: string, offset?: number, maxDepth = MAX_JSON_DEPTH): unknown {
  return parseJsonText(decodeUtf8(buf, what, offset), what, offset, maxDepth);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value's own property (never one from Object.prototype, whatever key a hostile file uses). */
export function own(o: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}
