// What the gateway's request path needs from the rest of the system, as small interfaces (wired in start.ts).
import type { IncomingMessage } from 'node:http';
import type { SecurityEvent } from '../core/event.js';
import type { CompiledConfig } from '../policy/types.js';
import type { HttpErrorResponse } from './auth/auth-error.js';
import type { Principal } from './auth/principal.js';
import type { RequestFacts } from './request-event.js';
import type { UpstreamClient } from './upstream.js';

export type AuthOutcome = { ok: true; principal: Principal } | { ok: false; reason: string; response: HttpErrorResponse };

export interface Authenticator {
  authenticate(req: IncomingMessage): AuthOutcome | Promise<AuthOutcome>;
}

/** A granted request: call `done` exactly once with the tokens actually used (or 0). */
export interface Admission {
  /** Tokens charged at admission (prompt estimate + completion budget): what to keep when the usage is unknown. */
  readonly reservedTokens: number;
  done(actualTokens: number): void;
}

export type AdmitOutcome = { ok: true; admission: Admission } | { ok: false; status: number; message: string; code: string; retryAfterSeconds?: number };

export interface Limiter {
  /** Checks rate, token and concurrency limits of `principal` for a request of `promptTokens` (+ `maxTokens`). */
  admit(principal: Principal, request: { promptTokens: number; maxTokens?: number }): AdmitOutcome;
}

export interface EventSink {
  append(event: SecurityEvent): void;
}

/** Told about every request event after it is recorded: metrics, tracing, alert rules (wired in start.ts). */
export type RequestObserver = (event: SecurityEvent, facts: RequestFacts, req: IncomingMessage) => void;

export interface GatewayDeps {
  config: CompiledConfig;
  /** One client per configured upstream, by name. */
  upstreams: ReadonlyMap<string, UpstreamClient>;
  auth: Authenticator;
  limits: Limiter;
  events: EventSink;
  /** Estimated prompt tokens of a request body (cheap; a real tokenizer on bounded text). */
  estimateTokens(text: string): number;
  /** Largest non-streaming upstream answer the gateway reads (default 32 MiB); larger ones get 502. */
  maxResponseBytes?: number;
  observe?: RequestObserver;
  /** Prometheus exposition served at GET /metrics. */
  metrics?: { readonly contentType: string; metricsText(): Promise<string> };
  log?: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}
