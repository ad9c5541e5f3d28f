// Shared HTTP plumbing of the network targets: a keep-alive client, header secrets from the environment, bounded body
// reads, Retry-After, per-request deadlines and failures turned into typed TargetResponse errors (never the key).
//
// The client is node:http, not undici: `bulwark eval run` is a short-lived command, and loading undici (with the
// WebAssembly HTTP parser it compiles) cost ≈ 180 ms of every run's start on the 2-core benchmark machine, while
// node:http's parser is native and already loaded. The gateway, a long-running server, keeps undici.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingHttpHeaders } from 'node:http';
import type * as Https from 'node:https';
import { createRequire } from 'node:module';
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

export interface HttpRequest {
  method: string;
  /** Path and query, starting with `/`. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The run's signal: aborting it ends the request. */
  signal: AbortSignal;
  /** The request's deadline (ms); past it the request fails with an error that `isTimeout` recognises. */
  timeoutMs?: number;
}

export interface HttpAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The body as UTF-8, or undefined when it exceeded `maxBytes` (the connection is then dropped). */
  text: string | undefined;
}

/** Keep-alive HTTP(S) client for one origin: up to 256 connections, one request at a time on each. */
export interface HttpClient {
  request(req: HttpRequest, maxBytes?: number): Promise<HttpAnswer>;
  close(): Promise<void>;
}

export function createHttpClient(url: URL): HttpClient {
  const secure = url.protocol === 'https:';
  const agentOptions = { keepAlive: true, maxSockets: 256, maxFreeSockets: 256, scheduling: 'lifo' as const };
  // node:https (and with it TLS) is loaded only for https targets.
  const https = secure ? (createRequire(import.meta.url)('node:https') as typeof Https) : undefined;
  const agent = https ? new https.Agent(agentOptions) : new HttpAgent(agentOptions);
  const send = https ? https.request : httpRequest;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  // The requests in flight per run signal, ended together when it aborts: one listener per signal rather than an
  // AbortSignal handed to node:http (and a deadline's AbortController) per request, which cost about a fifth of
  // the client's time per request in `npm run bench:eval`.
  const inFlight = new WeakMap<AbortSignal, Set<ClientRequest>>();
  const track = (signal: AbortSignal, r: ClientRequest): (() => void) => {
    let set = inFlight.get(signal);
    if (!set) {
      const requests = new Set<ClientRequest>();
      inFlight.set(signal, (set = requests));
      signal.addEventListener('abort', () => {
        for (const q of requests) q.destroy(abortError(signal));
        requests.clear();
      }, { once: true });
    }
    set.add(r);
    return () => set.delete(r);
  };
  return {
    request(req, maxBytes = MAX_RESPONSE_BYTES) {
      return new Promise<HttpAnswer>((resolve, reject) => {
        if (req.signal.aborted) {
          reject(abortError(req.signal));
          return;
        }
        const headers: Record<string, string | number> = { ...req.headers };
        if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
        let timer: NodeJS.Timeout | undefined;
        // Once the deadline has passed, every way the request ends (an error, a cut-short answer) reports it.
        let expired: Error | undefined;
        const fail = (e: unknown): void => {
          done();
          reject(expired ?? e);
        };
        // Called from the request's callbacks, which all run after `untrack` below is set.
        const done = (): void => {
          if (timer !== undefined) clearTimeout(timer);
          untrack();
        };
        const r = send({ host, port, method: req.method, path: req.path, headers, agent }, (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          let tooLarge = false;
          res.on('data', (c: Buffer) => {
            if (tooLarge) return;
            size += c.length;
            if (size > maxBytes) {
              tooLarge = true;
              chunks.length = 0;
              done();
              res.destroy();
              resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, text: undefined });
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => {
            if (tooLarge) return;
            done();
            resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks, size).toString('utf8') });
          });
          res.on('error', (e) => {
            if (!tooLarge) fail(e);
          });
          res.on('aborted', () => {
            if (!tooLarge) fail(Object.assign(new Error('the response was cut short'), { code: 'ECONNRESET' }));
          });
        });
        const untrack = track(req.signal, r);
        if (req.timeoutMs !== undefined) {
          const ms = req.timeoutMs;
          timer = setTimeout(() => r.destroy((expired = timeoutError(ms))), ms);
        }
        r.on('error', fail);
        r.end(req.body);
      });
    },
    close: async () => {
      agent.destroy();
    },
  };
}

const TIMEOUT = Symbol('bulwark.timeout');

function timeoutError(ms: number): Error {
  return Object.assign(new Error(`no answer within ${ms} ms`), { code: 'ETIMEDOUT', [TIMEOUT]: true });
}

/** True when `e` is the error of a request that passed its `timeoutMs`. */
export function isTimeout(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { [TIMEOUT]?: unknown })[TIMEOUT] === true;
}

function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('aborted'), { name: 'AbortError', code: 'ABORT_ERR', cause: signal.reason });
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

/** A thrown transport failure as a typed error: timeout, aborted, unreachable or reset (the last retryable). */
export function transportError(e: unknown, timedOut: boolean, runAborted: boolean, timeoutMs: number): TargetError {
  if (runAborted) return { code: 'aborted', message: 'the run was cancelled' };
  if (timedOut) {
    return { code: 'timeout', message: `the target did not answer within ${timeoutMs} ms` };
  }
  const code = (e as { code?: unknown } | undefined)?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'EAI_AGAIN') {
    return { code: 'unreachable', message: `the target is unreachable (${code})` };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'HPE_INVALID_CONSTANT' || code === 'HPE_UNEXPECTED_CONTENT_LENGTH') {
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
