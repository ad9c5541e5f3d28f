// Reads a request body as one JSON object under a size cap, rejecting invalid UTF-8 and nesting deeper than a limit.
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { INVALID_JSON, INVALID_UTF8, wireError, type WireError } from './wire-errors.js';

export interface BodyLimits {
  /** Largest body in bytes; a larger one is answered 413 without being buffered. */
  maxBytes: number;
  /** Deepest nesting of arrays and objects accepted. */
  maxDepth: number;
}

export type BodyResult = { ok: true; value: Record<string, unknown> } | { ok: false; error: WireError; tooLarge: boolean };

export function tooLargeError(maxBytes: number): WireError {
  return wireError(413, `The request body exceeds the simulator's limit of ${maxBytes} bytes.`, null, 'request_too_large');
}

/**
 * Calls `done` once with the parsed object or the error to send. Callback-shaped rather than a promise because it
 * runs once per request on the benchmark's hot path.
 */
export function readJsonBody(req: IncomingMessage, limits: BodyLimits, done: (result: BodyResult) => void): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limits.maxBytes) {
    done({ ok: false, error: tooLargeError(limits.maxBytes), tooLarge: true });
    return;
  }
  let first: Buffer | undefined;
  let rest: Buffer[] | undefined;
  let size = 0;
  let settled = false;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limits.maxBytes) {
      settled = true;
      req.off('data', onData);
      first = undefined;
      rest = undefined;
      done({ ok: false, error: tooLargeError(limits.maxBytes), tooLarge: true });
      return;
    }
    if (first === undefined) first = chunk;
    else (rest ??= [first]).push(chunk);
  };
  req.on('data', onData);
  req.once('end', () => {
    if (settled) return;
    settled = true;
    const body = rest ? Buffer.concat(rest, size) : (first ?? Buffer.alloc(0));
    done(parseJsonObject(body, limits.maxDepth));
  });
  // An aborted upload: nobody is left to answer, the response is destroyed with the socket.
  req.once('error', () => {
    settled = true;
  });
}

export function parseJsonObject(body: Buffer, maxDepth: number): BodyResult {
  if (!isUtf8(body)) return { ok: false, error: INVALID_UTF8, tooLarge: false };
  if (nestingExceeds(body, maxDepth)) {
    return { ok: false, error: wireError(400, `The JSON body nests deeper than ${maxDepth} levels.`, null, 'invalid_json'), tooLarge: false };
  }
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, error: INVALID_JSON, tooLarge: false };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: INVALID_JSON, tooLarge: false };
  return { ok: true, value: value as Record<string, unknown> };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * True when arrays/objects in `body` nest deeper than `max`, ignoring brackets inside strings. One linear pass over the
 * bytes before JSON.parse, so that code walking the parsed value never meets a pathological depth.
 */
export function nestingExceeds(body: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}
