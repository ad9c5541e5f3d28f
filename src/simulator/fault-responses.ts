// How each fault model answers: an HTTP 500, silence, a reset mid-stream, broken SSE, a drip, 5 MiB, or non-JSON.
import type { ServerResponse } from 'node:http';
import { DONE_EVENT } from './chat-format.js';
import { BAD_JSON_BODY, hugeReply, type Fault } from './faults.js';
import type { Reply } from './profiles/types.js';
import { jsonHeaders, sendEvents, type RouteContext } from './route-context.js';
import { sendError, wireError } from './wire-errors.js';

/** A route's normal answer, rendered on demand: the JSON body, and the SSE events when the route streams. */
export interface Rendered {
  body(): string;
  events?: () => string[];
}

/** Renders the route's answer, optionally with another reply and with bigger deltas. */
export type Render = (override?: Reply, wordsPerDelta?: number) => Rendered;

export const SIMULATED_500 = wireError(500, 'The server had an error while processing your request. (simulated by sim-fault-500)');

/** Events that are not valid SSE or carry invalid JSON in a data line. */
const MALFORMED_EVENTS = [
  'data: {"id":"chatcmpl-sim-broken","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"trunc\n\n',
  'this line is not an SSE field\n\n',
  'data: not json at all\n\n',
  DONE_EVENT,
];

/** Parts the sim-fault-slow non-streaming body is dripped in. */
const SLOW_BODY_PARTS = 5;
/** Words per delta for sim-fault-huge: a few thousand events of ~4 KiB instead of a million tiny ones. */
const HUGE_WORDS_PER_DELTA = 1000;

/**
 * Answers `res` as `fault` dictates. Faults that only make sense for a stream (malformed SSE, huge) answer normally on
 * routes without one (embeddings).
 */
export function respondWithFault(ctx: RouteContext, res: ServerResponse, fault: Fault, stream: boolean, render: Render, requestId: string): void {
  ctx.log('info', `fault ${fault} for request ${requestId}`);
  switch (fault) {
    case 'http-500':
      sendError(res, SIMULATED_500);
      return;
    case 'timeout':
      ctx.deliveries.hold(res);
      return;
    case 'bad-json':
      ctx.deliveries.start(res, { status: 200, headers: jsonHeaders(BAD_JSON_BODY, requestId), parts: [BAD_JSON_BODY], firstDelayMs: ctx.latencyMs, intervalMs: 0, ending: 'end' });
      return;
    case 'reset': {
      const out = render();
      if (stream && out.events) {
        sendEvents(ctx, res, out.events().slice(0, 2), requestId, ctx.chunkDelayMs, 'destroy');
        return;
      }
      // The full Content-Length is announced, half the body follows, then the connection drops.
      const body = out.body();
      const half = body.slice(0, body.length >> 1);
      ctx.deliveries.start(res, { status: 200, headers: jsonHeaders(body, requestId), parts: [half], firstDelayMs: ctx.latencyMs, intervalMs: 0, ending: 'destroy' });
      return;
    }
    case 'malformed-sse': {
      const events = render().events?.();
      if (!events) break;
      // A good role event and a good content event first, so the client is mid-stream when it breaks.
      sendEvents(ctx, res, [...events.slice(0, 2), ...MALFORMED_EVENTS], requestId);
      return;
    }
    case 'slow': {
      const out = render();
      if (stream && out.events) {
        sendEvents(ctx, res, out.events(), requestId, ctx.slowIntervalMs);
        return;
      }
      const body = out.body();
      const size = Math.ceil(body.length / SLOW_BODY_PARTS);
      const parts = Array.from({ length: SLOW_BODY_PARTS }, (_, i) => body.slice(i * size, (i + 1) * size)).filter((p) => p !== '');
      ctx.deliveries.start(res, { status: 200, headers: jsonHeaders(body, requestId), parts, firstDelayMs: ctx.latencyMs, intervalMs: ctx.slowIntervalMs, ending: 'end' });
      return;
    }
    case 'huge': {
      const out = render(hugeReply(), HUGE_WORDS_PER_DELTA);
      if (stream && out.events) {
        sendEvents(ctx, res, out.events(), requestId);
        return;
      }
      const body = out.body();
      ctx.deliveries.start(res, { status: 200, headers: jsonHeaders(body, requestId), parts: [body], firstDelayMs: ctx.latencyMs, intervalMs: 0, ending: 'end' });
      return;
    }
  }
  const body = render().body();
  ctx.deliveries.start(res, { status: 200, headers: jsonHeaders(body, requestId), parts: [body], firstDelayMs: ctx.latencyMs, intervalMs: 0, ending: 'end' });
}
