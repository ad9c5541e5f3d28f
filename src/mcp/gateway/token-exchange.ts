// RFC 8693 token exchange: trades the caller's access token for one the authorization server issues for an
// upstream MCP server, so the gateway never passes the caller's own token through (MCP authorization, "Token
// Passthrough"). Answers are cached per subject token (by its SHA-256, never the token itself) until shortly before
// they expire, and concurrent exchanges of one subject token share a single request.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { BulwarkError } from '../../core/errors.js';
import type { TokenExchangeConfig } from './config.js';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** Largest token endpoint answer read (a token answer is a few KiB at most). */
export const MAX_TOKEN_ANSWER_BYTES = 64 * 1024;
export const DEFAULT_EXCHANGE_TIMEOUT_MS = 10_000;
/** Lifetime assumed when the answer has no expires_in. */
export const DEFAULT_EXPIRES_IN_SECONDS = 300;
/** A cached token is dropped this long before it expires, so it is never presented just as it lapses. */
export const EXPIRY_MARGIN_MS = 30_000;
export const MAX_CACHED_TOKENS = 10_000;

export interface TokenExchanger {
  /** An access token for the upstream, issued in exchange for `subjectToken` (cached until shortly before expiry). */
  exchange(subjectToken: string): Promise<string>;
  /** Answers currently cached (expired ones may linger until looked up or evicted). */
  readonly cacheSize: number;
}

export interface TokenExchangeDeps {
  /** The upstream's URL, sent as `resource` (RFC 8707) and the default `audience`. */
  resource: string;
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; default Date.now. */
  now?: () => number;
  /** Longest wait for the whole answer; default 10 s. */
  timeoutMs?: number;
  /** Cache bound; default 10,000 (tests lower it). */
  maxCacheEntries?: number;
}

/** RFC 6749 §5.1 / RFC 8693 §2.2.1; unknown fields pass. */
const tokenAnswerSchema = z.looseObject({
  access_token: z.string().regex(/^[\x21-\x7e]{1,16384}$/, 'must be 1-16384 visible ASCII characters'),
  token_type: z.string().refine((t) => /^(?:bearer|n_a)$/i.test(t), 'must be Bearer or N_A'),
  expires_in: z.union([z.number().nonnegative(), z.string().regex(/^\d{1,10}$/)]).optional(),
});

/** The `error` code of an RFC 6749 §5.2 answer (its own charset: no quotes, backslashes or controls). */
const OAUTH_ERROR = /^[\x20\x21\x23-\x5b\x5d-\x7e]{1,128}$/;

interface CachedToken {
  token: string;
  /** Drop it at this time (expiry minus the margin). */
  until: number;
}

/** application/x-www-form-urlencoded encoding of one value (RFC 6749 §2.3.1 wants it for Basic credentials). */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

function keyOf(subjectToken: string): string {
  return createHash('sha256').update(subjectToken).digest('base64url');
}

export function createTokenExchanger(cfg: TokenExchangeConfig, clientSecret: string | undefined, deps: TokenExchangeDeps): TokenExchanger {
  if (typeof deps?.resource !== 'string' || deps.resource === '') throw new TypeError('createTokenExchanger needs deps.resource (the upstream URL)');
  const doFetch = deps.fetch ?? fetch;
  const now = deps.now ?? Date.now;
  const timeoutMs = deps.timeoutMs ?? DEFAULT_EXCHANGE_TIMEOUT_MS;
  const maxEntries = deps.maxCacheEntries ?? MAX_CACHED_TOKENS;
  const endpoint = new URL(cfg.tokenUrl);
  const context = { tokenUrl: `${endpoint.origin}${endpoint.pathname}` };
  const basic =
    clientSecret === undefined ? undefined : `Basic ${Buffer.from(`${formEncode(cfg.clientId)}:${formEncode(clientSecret)}`).toString('base64')}`;
  const cache = new Map<string, CachedToken>();
  const inflight = new Map<string, Promise<string>>();

  /** Removes the subject token and the client secret from text that came back from the authorization server. */
  const redact = (text: string, subjectToken: string): string => {
    let out = text.split(subjectToken).join('[redacted]');
    if (clientSecret) out = out.split(clientSecret).join('[redacted]');
    return out;
  };

  async function request(subjectToken: string): Promise<{ token: string; expiresInMs: number }> {
    const form = new URLSearchParams({
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: subjectToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      requested_token_type: ACCESS_TOKEN_TYPE,
      resource: deps.resource,
      audience: cfg.audience ?? deps.resource,
    });
    if (cfg.scope && cfg.scope.length > 0) form.set('scope', cfg.scope.join(' '));
    if (!basic) form.set('client_id', cfg.clientId);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (basic) headers.authorization = basic;

    const signal = AbortSignal.timeout(timeoutMs);
    let status: number;
    let text: string;
    try {
      // A token endpoint that redirects is answered as an error: the form (with the subject token) goes nowhere else.
      const res = await doFetch(endpoint, { method: 'POST', headers, body: form.toString(), redirect: 'manual', signal });
      status = res.status;
      text = await readBounded(res);
    } catch (e) {
      if (e instanceof BulwarkError) throw e;
      if (signal.aborted) {
        throw new BulwarkError('ERR_IO', `token exchange at ${context.tokenUrl} timed out after ${timeoutMs} ms`, { context: { ...context, timeoutMs } });
      }
      // The cause stays off: a fetch error could quote the request. Its code names the failure well enough.
      const code = errorCode(e);
      throw new BulwarkError('ERR_IO', `token exchange at ${context.tokenUrl} failed (${code})`, { context: { ...context, code } });
    }

    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (status < 200 || status > 299) {
      const raw = (body as { error?: unknown } | undefined)?.error;
      const oauthError = typeof raw === 'string' && OAUTH_ERROR.test(raw) ? redact(raw, subjectToken) : undefined;
      const what = oauthError ? `: ${oauthError}` : '';
      throw new BulwarkError('ERR_IO', `token exchange at ${context.tokenUrl} refused (HTTP ${status})${what}`, {
        context: { ...context, status, ...(oauthError ? { oauthError } : {}) },
      });
    }
    if (body === undefined) {
      throw new BulwarkError('ERR_INPUT_INVALID', `token exchange at ${context.tokenUrl}: the answer is not JSON`, { context });
    }
    const parsed = tokenAnswerSchema.safeParse(body);
    if (!parsed.success) {
      // Issue paths and messages only: zod would otherwise quote the received values (the tokens).
      const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(answer)'))].join(', ');
      throw new BulwarkError('ERR_INPUT_INVALID', `token exchange at ${context.tokenUrl}: malformed answer (${fields})`, { context: { ...context, fields } });
    }
    const expiresIn = parsed.data.expires_in === undefined ? DEFAULT_EXPIRES_IN_SECONDS : Number(parsed.data.expires_in);
    return { token: parsed.data.access_token, expiresInMs: expiresIn * 1000 };
  }

  async function readBounded(res: Response): Promise<string> {
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > MAX_TOKEN_ANSWER_BYTES) {
      await res.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    if (!res.body) return '';
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_TOKEN_ANSWER_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  function tooLarge(): BulwarkError {
    return new BulwarkError('ERR_INPUT_TOO_LARGE', `token exchange at ${context.tokenUrl}: the answer exceeds ${MAX_TOKEN_ANSWER_BYTES} bytes`, {
      context: { ...context, limit: MAX_TOKEN_ANSWER_BYTES },
    });
  }

  function remember(key: string, token: string, expiresInMs: number, issuedAt: number): void {
    const until = issuedAt + expiresInMs - EXPIRY_MARGIN_MS;
    if (until <= now()) return;
    cache.delete(key);
    while (cache.size >= maxEntries) {
      const oldest = cache.keys().next().value as string;
      cache.delete(oldest);
    }
    cache.set(key, { token, until });
  }

  return {
    async exchange(subjectToken: string): Promise<string> {
      if (typeof subjectToken !== 'string' || subjectToken === '') throw new TypeError('exchange needs a subject token');
      const key = keyOf(subjectToken);
      const hit = cache.get(key);
      if (hit) {
        if (hit.until > now()) return hit.token;
        cache.delete(key);
      }
      let pending = inflight.get(key);
      if (!pending) {
        const issuedAt = now();
        pending = request(subjectToken)
          .then(({ token, expiresInMs }) => {
            remember(key, token, expiresInMs, issuedAt);
            return token;
          })
          .finally(() => inflight.delete(key));
        inflight.set(key, pending);
      }
      return pending;
    },
    get cacheSize() {
      return cache.size;
    },
  };
}

function errorCode(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : e instanceof Error ? e.name : 'error';
}
