// What the route handlers share: the server's settings, its open deliveries, and the two ways of answering
// (a JSON body, an SSE stream), both honouring the configured latency.
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ResponseIdentity } from './chat-format.js';
import type { Deliveries } from './delivery.js';
import type { Profile } from './profiles/types.js';
import type { WireError } from './wire-errors.js';

export interface RouteContext {
  deliveries: Deliveries;
  /** Profile for model names that select none. */
  defaultProfile: Profile;
  /** Wait before the first byte of every answer. */
  latencyMs: number;
  /** Wait between SSE events. */
  chunkDelayMs: number;
  /** Wait between the parts that sim-fault-slow drips. */
  slowIntervalMs: number;
  identity(prefix: string, model: string): ResponseIdentity;
  log(level: 'info' | 'warn', message: string): void;
  /** Sends an OpenAI error answer and logs it. */
  fail(res: ServerResponse, error: WireError): void;
}

export function jsonHeaders(body: string, requestId: string): OutgoingHttpHeaders {
  return { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': requestId };
}

export function sseHeaders(requestId: string): OutgoingHttpHeaders {
  return { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': requestId };
}

/** Sends `body` as JSON: straight away on the hot path, through a timed delivery when latency is configured. */
export function sendJson(ctx: RouteContext, res: ServerResponse, body: string, requestId: string): void {
  if (ctx.latencyMs === 0) {
    res.writeHead(200, jsonHeaders(body, requestId));
    res.end(body);
    return;
  }
  ctx.deliveries.start(res, { status: 200, headers: jsonHeaders(body, requestId), parts: [body], firstDelayMs: ctx.latencyMs, intervalMs: 0, ending: 'end' });
}

export function sendEvents(
  ctx: RouteContext,
  res: ServerResponse,
  events: readonly string[],
  requestId: string,
  intervalMs = ctx.chunkDelayMs,
  ending: 'end' | 'destroy' = 'end',
): void {
  ctx.deliveries.start(res, { status: 200, headers: sseHeaders(requestId), parts: events, firstDelayMs: ctx.latencyMs, intervalMs, ending });
}
