// Shared HTTP plumbing of the network targets: undici pools, header secrets from the environment, bounded body
// reads, Retry-After, per-request deadlines and failures turned into typed TargetResponse errors (never the key).
import { Pool, errors as undiciErrors, type Dispatcher } from 'undici';
import { BulwarkError } from '../../core/errors.js';
import type { TargetResponse } from '../types.js';

export type TargetError = NonNullable<TargetResponse['error']>;

/** Largest response body read into memory; a larger one is an error (a target must not exhaust the runner). */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Longest Retry-After honoured as given (a day); the runner caps it much lower. */
const MAX_RETRY_AFTER_MS = 86_400_000;
const ENV_REF = /\{\{\s*env:([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Replaces every `{{env:NAME}}` in header values; the values found are returned as secrets to redact. */
export function resolveHeaders(headers: Record<string, string> | undefined, env: NodeJS.ProcessEnv, secrets: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    out[name.toLowerCase()] = value.replace(ENV_REF, (_m, key: string) => secretFromEnv(key, env, secrets));
  }
  return out;
}

/** The value of environment variable `key` (recorded in `secrets`); ERR_CONFIG_INVALID naming the variable when unset. */
export function secretFromEnv(key: string, env: NodeJS.ProcessEnv, secrets: string[]): string {
  const value = env[key];
  if (value === undefined || value === '') {
    throw new BulwarkError('ERR_CONFIG_INVALID', `environment variable ${key} is not set (the target needs it)`, { context: { variable: key } });
  }
  secrets.push(value);
  return value;
}

/** A function that blanks every secret (of 4+ characters) out of a text. */
export function redactor(secrets: readonly string[]): (text: string) => string {
  const list = secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  if (list.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const s of list) if (out.includes(s)) out = out.replaceAll(s, '[redacted]');
    return out;
  };
}

/** origin + path: no user-info, no query (either may carry credentials), for ids, endpoints and messages. */
export function publicUrl(url: URL): string {
  return `${url.origin}${url.pathname === '/' ? '' : url.pathname}`;
}

export function createPool(url: URL, timeoutMs: number): Pool {
  return new Pool(url.origin, {
    connections: 256,
    pipelining: 1,
    keepAliveTimeout: 10_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connectTimeout: Math.min(timeoutMs, 10_000),
  });
}

/** Milliseconds to wait from `retry-after-ms` or `retry-after` (seconds or an HTTP date); undefined when absent. */
export function parseRetryAfter(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const ms = one(headers['retry-after-ms']);
  if (ms !== undefined && /^\d+(?:\.\d+)?$/.test(ms.trim())) return clampDelay(Number(ms));
  const ra = one(headers['retry-after'])?.trim();
  if (ra === undefined || ra === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(ra)) return clampDelay(Number(ra) * 1000);
  // Only an HTTP date (it has a day name): Date.parse also reads "-1" as a year.
  const date = /^[A-Za-z]{3}, /.test(ra) ? Date.parse(ra) : Number.NaN;
  return Number.isNaN(date) ? undefined : clampDelay(date - now);
}

function clampDelay(ms: number): number {
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.round(ms)));
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The body as UTF-8 text, or undefined (after destroying the stream) when it exceeds `maxBytes`. */
export async function readBodyText(body: Dispatcher.ResponseData['body'], maxBytes = MAX_RESPONSE_BYTES): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > maxBytes) {
      body.destroy();
      return undefined;
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/** A per-request deadline joined with the run's signal; `clear()` must be called when the request is done. */
export function deadline(signal: AbortSignal, timeoutMs: number): { signal: AbortSignal; timedOut: () => boolean; clear: () => void } {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = (): void => controller.abort(signal.reason);
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('timeout'));
  }, timeoutMs);
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    clear: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

/** A thrown transport failure as a typed error: timeout, aborted, unreachable or reset (the last retryable). */
export function transportError(e: unknown, timedOut: boolean, runAborted: boolean, timeoutMs: number): TargetError {
  if (runAborted) return { code: 'aborted', message: 'the run was cancelled' };
  if (
    timedOut ||
    e instanceof undiciErrors.HeadersTimeoutError ||
    e instanceof undiciErrors.BodyTimeoutError ||
    e instanceof undiciErrors.ConnectTimeoutError
  ) {
    return { code: 'timeout', message: `the target did not answer within ${timeoutMs} ms` };
  }
  const code = (e as { code?: unknown } | undefined)?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'EAI_AGAIN') {
    return { code: 'unreachable', message: `the target is unreachable (${code})` };
  }
  if (e instanceof undiciErrors.SocketError || code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') {
    return { code: 'connection_reset', message: 'the target closed the connection', retryable: true };
  }
  return { code: 'network_error', message: `the request failed (${typeof code === 'string' ? code : 'unknown cause'})` };
}

/** A non-2xx answer as a typed error: 429 and 5xx retryable (with the server's Retry-After when it sent one). */
export function statusError(status: number, headers: Record<string, string | string[] | undefined>, bodyText: string | undefined, redact: (s: string) => string): TargetError {
  const detail = errorDetail(bodyText);
  const message = redact(`HTTP ${status}${detail ? `: ${detail}` : ''}`);
  const retryAfterMs = parseRetryAfter(headers);
  if (status === 429) return { code: 'rate_limited', message, retryable: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (status >= 500) return { code: `http_${status}`, message, retryable: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  return { code: `http_${status}`, message };
}

/** The error message of an OpenAI-style error body, else the start of the text; at most 300 characters. */
function errorDetail(bodyText: string | undefined): string {
  if (!bodyText) return '';
  try {
    const parsed = JSON.parse(bodyText) as { error?: { message?: unknown } | string };
    const m = typeof parsed.error === 'string' ? parsed.error : parsed.error?.message;
    if (typeof m === 'string') return m.slice(0, 300);
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return bodyText.slice(0, 300).replace(/\s+/g, ' ');
}
