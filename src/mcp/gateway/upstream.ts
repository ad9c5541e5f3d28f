// The upstream side of the MCP gateway: one SDK client transport per client session towards the configured MCP
// server. stdio servers are spawned without a shell, with a minimal environment (PATH and HOME plus what the
// server's entry configures) and a bounded stderr drain. Streamable HTTP upstreams are reached over the gateway's
// lean node:http transport (http-client-transport.ts; redirects are never followed) with one keep-alive Agent per
// upstream, and get the gateway's own credential (a static secret, or an RFC 8693 exchange of the caller's token):
// the only headers besides the protocol's are the ones built here for each request, so no authorization, cookie or
// proxy-authorization from elsewhere, and never the caller's token, reaches the upstream.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { BulwarkError } from '../../core/errors.js';
import type { Principal } from '../../gateway/auth/principal.js';
import { resolveSecret } from '../../policy/secrets.js';
import type { SecretRef } from '../../policy/schema.js';
import { BASE_ENV_VARS, type Env } from '../audit/live-env.js';
import type { HttpUpstreamConfig, McpServerConfig, StdioUpstreamConfig } from './config.js';
import { createUpstreamAgent, HttpClientTransport, PROTOCOL_HEADERS, type HeaderSource } from './http-client-transport.js';
import { createTokenExchanger, type TokenExchanger } from './token-exchange.js';

export interface UpstreamSessionContext {
  principal: Principal;
  /** The caller's current bearer token (it may be refreshed during a session); used ONLY as the RFC 8693 subject_token, never sent upstream. */
  subjectToken(): string | undefined;
}

export interface UpstreamConnector {
  readonly kind: 'stdio' | 'http';
  /** A new, not yet started transport for one client session (the caller sets onmessage/onclose/onerror, then start()). stdio: spawns one server process per session (started by start()). */
  open(ctx: UpstreamSessionContext): Transport;
  /** What the connector presented upstream last (for tests/events): header NAMES only (lower case, sorted), never values. Empty for stdio. */
  readonly lastPresentedHeaders: readonly string[];
}

export type UpstreamLog = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export interface UpstreamDeps {
  /** Where secrets and PATH/HOME come from; default process.env. */
  env?: Env;
  /** Relative secret files and a relative stdio cwd resolve against this; default process.cwd(). */
  cwd?: string;
  /** Used for the token exchange only (the upstream itself is reached over node:http / node:https). */
  fetch?: typeof fetch;
  log?: UpstreamLog;
  /** Token exchange answer timeout (tests lower it); default 10 s. */
  tokenExchangeTimeoutMs?: number;
}

/** Of a stdio server's stderr, at most this much is logged per process; the rest is read and dropped. */
export const STDERR_LOG_BYTES = 8 * 1024;
/** A logged stderr line is cut to this many characters. */
export const STDERR_LINE_CHARS = 512;

const noLog: UpstreamLog = () => undefined;

/** Resolves every secret of the server's upstream at start-up (a missing env var or file fails here with ERR_CONFIG_INVALID naming the source, never the value). */
export async function createUpstreamConnector(server: McpServerConfig, deps: UpstreamDeps = {}): Promise<UpstreamConnector> {
  if (server.stdio) return stdioConnector(server.name, server.stdio, deps);
  if (server.http) return httpConnector(server.name, server.http, deps);
  throw new TypeError(`mcp server ${server.name} has neither stdio nor http`);
}

async function secret(serverName: string, field: string, ref: SecretRef, deps: UpstreamDeps): Promise<string> {
  try {
    return await resolveSecret(ref, { env: deps.env, cwd: deps.cwd });
  } catch (e) {
    if (e instanceof BulwarkError) {
      throw new BulwarkError(e.code, `mcp server ${serverName}: ${field}: ${e.message}`, { context: { ...e.context, server: serverName, field } });
    }
    throw e;
  }
}

function configError(serverName: string, field: string, problem: string): BulwarkError {
  return new BulwarkError('ERR_CONFIG_INVALID', `mcp server ${serverName}: ${field}: ${problem}`, { context: { server: serverName, field } });
}

// ---------------------------------------------------------------------------------------------------- stdio

async function stdioConnector(name: string, cfg: StdioUpstreamConfig, deps: UpstreamDeps): Promise<UpstreamConnector> {
  const gatewayEnv = deps.env ?? process.env;
  const log = deps.log ?? noLog;
  // The SDK adds its own short list of harmless variables (HOME, LOGNAME, PATH, SHELL, TERM, USER) from
  // process.env underneath; these override them.
  const env: Record<string, string> = {};
  for (const v of BASE_ENV_VARS) {
    const value = gatewayEnv[v];
    if (value !== undefined) env[v] = value;
  }
  for (const [key, value] of Object.entries(cfg.env)) {
    const resolved = typeof value === 'string' ? value : await secret(name, `stdio.env.${key}`, value, deps);
    if (resolved.includes('\0')) throw configError(name, `stdio.env.${key}`, 'the value contains a NUL character');
    env[key] = resolved;
  }
  let cwd: string | undefined;
  if (cfg.cwd !== undefined) {
    cwd = resolve(deps.cwd ?? process.cwd(), cfg.cwd);
    const isDir = await stat(cwd).then((s) => s.isDirectory(), () => false);
    if (!isDir) throw new BulwarkError('ERR_CONFIG_INVALID', `mcp server ${name}: stdio.cwd ${cwd} is not a directory`, { context: { server: name, field: 'stdio.cwd', cwd } });
  }
  const params = Object.freeze({ command: cfg.command, args: [...cfg.args], env: Object.freeze(env), cwd });
  return {
    kind: 'stdio',
    lastPresentedHeaders: Object.freeze([]),
    open(ctx: UpstreamSessionContext): Transport {
      const transport = new StdioClientTransport({ ...params, env: { ...params.env }, args: [...params.args], stderr: 'pipe' });
      const stderr = transport.stderr as Readable | null;
      const fields = () => ({ server: name, principal: ctx.principal.id, pid: transport.pid });
      if (stderr) {
        drainStderr(
          stderr,
          (line) => log('info', 'mcp upstream stderr', { ...fields(), line }),
          () => log('warn', `mcp upstream stderr: log limit of ${STDERR_LOG_BYTES} bytes reached, the rest is dropped`, fields()),
        );
      }
      return transport;
    },
  };
}

/**
 * Reads the whole stream (a child blocked on a full stderr pipe would stop answering) and hands at most
 * STDERR_LOG_BYTES of it to `line`, one line at a time, each cut to STDERR_LINE_CHARS without control characters.
 */
export function drainStderr(stream: Readable, line: (text: string) => void, overflow: () => void): void {
  const decoder = new StringDecoder('utf8');
  let budget = STDERR_LOG_BYTES;
  let partial = '';
  let done = false;
  const emit = (text: string) => {
    const clean = text.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '').slice(0, STDERR_LINE_CHARS);
    if (clean.trim() !== '') line(clean);
  };
  stream.on('data', (chunk: Buffer | string) => {
    if (done) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const taken = bytes.subarray(0, budget);
    budget -= taken.length;
    const lines = (partial + decoder.write(taken)).split('\n');
    // The unfinished line is bounded by the budget: it is emitted at the next newline, the budget's end or the stream's.
    partial = lines.pop() ?? '';
    for (const l of lines) emit(l);
    if (budget === 0) {
      done = true;
      if (partial !== '') emit(partial);
      partial = '';
      overflow();
    }
  });
  stream.on('end', () => {
    if (done) return;
    const rest = partial + decoder.end();
    if (rest !== '') emit(rest);
  });
  stream.on('error', () => undefined);
}

// ----------------------------------------------------------------------------------------------------- http

async function httpConnector(name: string, cfg: HttpUpstreamConfig, deps: UpstreamDeps): Promise<UpstreamConnector> {
  const upstreamUrl = new URL(cfg.url);
  const credential = cfg.credential ? await secret(name, 'http.credential', cfg.credential, deps) : undefined;
  if (credential !== undefined && !/^[\x21-\x7e]+$/.test(credential)) {
    throw configError(name, 'http.credential', 'the bearer token must be visible ASCII without spaces');
  }
  const extra: Record<string, string> = {};
  for (const [header, ref] of Object.entries(cfg.headers)) {
    const lower = header.toLowerCase();
    const field = `http.headers.${header}`;
    if (PROTOCOL_HEADERS.has(lower)) throw configError(name, field, 'this header is set by the MCP transport');
    if (lower === 'authorization' && (cfg.credential || cfg.tokenExchange)) throw configError(name, field, 'give either an authorization header or credential / tokenExchange');
    const value = await secret(name, field, ref, deps);
    if (/[\x00\r\n]/.test(value)) throw configError(name, field, 'the value contains a line break or NUL');
    extra[lower] = value;
  }
  let exchanger: TokenExchanger | undefined;
  if (cfg.tokenExchange) {
    const clientSecret = cfg.tokenExchange.clientSecret ? await secret(name, 'http.tokenExchange.clientSecret', cfg.tokenExchange.clientSecret, deps) : undefined;
    exchanger = createTokenExchanger(cfg.tokenExchange, clientSecret, {
      resource: cfg.url,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      ...(deps.tokenExchangeTimeoutMs !== undefined ? { timeoutMs: deps.tokenExchangeTimeoutMs } : {}),
    });
  }
  // With a static credential (or none) every request of every session carries the same headers: built once.
  const fixed: Readonly<Record<string, string>> = Object.freeze(credential !== undefined ? { ...extra, authorization: `Bearer ${credential}` } : { ...extra });

  // One keep-alive Agent for all sessions of this upstream: a new session starts on a warm connection (no TCP or
  // TLS handshake), and idle sockets are unref'd and closed after a few seconds. Sessions never own a socket:
  // close() of one session ends its own requests only.
  const agent = createUpstreamAgent(upstreamUrl);

  let lastHeaders: Readonly<Record<string, string>> | undefined;
  let lastNames: readonly string[] = Object.freeze([]);
  let namesOf: Readonly<Record<string, string>> | undefined;

  /** The headers of each request of one session: with an exchange, a token for the caller's current token. */
  function headersOf(ctx: UpstreamSessionContext): HeaderSource {
    if (!exchanger) return () => fixed;
    const ex = exchanger;
    return async () => {
      const subject = ctx.subjectToken();
      if (!subject) {
        throw new BulwarkError('ERR_INPUT_MISSING_FIELD', `mcp server ${name}: no caller token to exchange for the upstream`, { context: { server: name, principal: ctx.principal.id } });
      }
      return { ...extra, authorization: `Bearer ${await ex.exchange(subject)}` };
    };
  }

  return {
    kind: 'http',
    get lastPresentedHeaders() {
      if (lastHeaders !== namesOf) {
        namesOf = lastHeaders;
        lastNames = Object.freeze(Object.keys(lastHeaders ?? {}).sort());
      }
      return lastNames;
    },
    open(ctx: UpstreamSessionContext): Transport {
      return new HttpClientTransport(upstreamUrl, {
        name: `mcp server ${name}`,
        agent,
        headers: headersOf(ctx),
        presented: (headers) => {
          lastHeaders = headers;
        },
      });
    },
  };
}
