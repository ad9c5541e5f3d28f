// Client side of the gateway: one keep-alive undici pool per upstream, the gateway's own credential, timeouts,
// and upstream failures turned into typed results (never a hang, never the client's credential).
import { Pool, errors as undiciErrors } from 'undici';
import type { EventEmitter } from 'node:events';
import type { Dispatcher } from 'undici';
import type { CompiledUpstream } from '../policy/types.js';

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

export type UpstreamFailure = { kind: 'timeout' | 'unreachable' | 'reset'; message: string };

export class UpstreamClient {
  readonly name: string;
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly authorization: string | undefined;
  private readonly timeoutMs: number;

  constructor(upstream: CompiledUpstream, apiKey: string | undefined, connections = 128) {
    const url = new URL(upstream.url);
    this.name = upstream.name;
    this.pool = new Pool(url.origin, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: upstream.timeoutMs,
      bodyTimeout: upstream.timeoutMs,
      connectTimeout: Math.min(upstream.timeoutMs, 10_000),
    });
    this.basePath = url.pathname.replace(/\/$/, '');
    this.authorization = apiKey ? `Bearer ${apiKey}` : undefined;
    this.timeoutMs = upstream.timeoutMs;
  }

  /**
   * POSTs `body` to `<base>/<path>` (path relative to the upstream's /v1 base, e.g. "/chat/completions").
   * Only content headers and the gateway's own credential are sent.
   */
  async post(path: string, body: Buffer | string, signal?: AbortSignal | EventEmitter): Promise<UpstreamResponse | UpstreamFailure> {
    return this.request('POST', path, body, signal);
  }

  async get(path: string, signal?: AbortSignal | EventEmitter): Promise<UpstreamResponse | UpstreamFailure> {
    return this.request('GET', path, undefined, signal);
  }

  private async request(method: 'GET' | 'POST', path: string, body: Buffer | string | undefined, signal?: AbortSignal | EventEmitter): Promise<UpstreamResponse | UpstreamFailure> {
    const headers: Record<string, string> = { accept: 'application/json, text/event-stream' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.authorization) headers.authorization = this.authorization;
    try {
      const res = await this.pool.request({ method, path: `${this.basePath}${path}`, headers, body, signal });
      return { status: res.statusCode, headers: res.headers, body: res.body };
    } catch (e) {
      return classify(e, this.timeoutMs);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

export function isFailure(r: UpstreamResponse | UpstreamFailure): r is UpstreamFailure {
  return 'kind' in r;
}

export function classify(e: unknown, timeoutMs: number): UpstreamFailure {
  if (e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError || e instanceof undiciErrors.ConnectTimeoutError) {
    return { kind: 'timeout', message: `the upstream did not answer within ${timeoutMs} ms` };
  }
  if (e instanceof undiciErrors.SocketError) return { kind: 'reset', message: 'the upstream closed the connection' };
  const code = (e as { code?: string } | undefined)?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH') return { kind: 'unreachable', message: `the upstream is unreachable (${code})` };
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return { kind: 'reset', message: 'the upstream closed the connection' };
  return { kind: 'unreachable', message: 'the upstream request failed' };
}
