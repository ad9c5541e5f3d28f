// Per-request caps checked before any work: body bytes (413), number of messages and max_tokens (400).
import type { LimitDenied } from './decision.js';

export interface RequestCaps {
  /** Largest request body in bytes (default 1 MiB). */
  readonly maxBodyBytes: number;
  /** Most messages (or embedding inputs) in one request (default 256). */
  readonly maxMessages: number;
  /** Largest max_tokens / max_completion_tokens a request may ask for (default 32,768). */
  readonly maxTokens: number;
}

export const DEFAULT_CAPS: RequestCaps = Object.freeze({ maxBodyBytes: 1024 * 1024, maxMessages: 256, maxTokens: 32_768 });

export type CapDecision = { readonly ok: true } | LimitDenied;

const OK: CapDecision = Object.freeze({ ok: true });

/**
 * 413 when a body is (or, by Content-Length, will be) larger than allowed. Call it with the Content-Length before
 * reading and with the running byte count while reading: a chunked body has no length up front.
 */
export function checkBodyBytes(bytes: number, caps: RequestCaps = DEFAULT_CAPS): CapDecision {
  if (bytes <= caps.maxBodyBytes) return OK;
  return {
    ok: false,
    limit: 'body_bytes',
    status: 413,
    max: caps.maxBodyBytes,
    message: `Request body too large: the limit is ${caps.maxBodyBytes} bytes.`,
  };
}

/** 400 when a request carries more messages than allowed. */
export function checkMessageCount(count: number, caps: RequestCaps = DEFAULT_CAPS): CapDecision {
  if (count <= caps.maxMessages) return OK;
  return {
    ok: false,
    limit: 'messages',
    status: 400,
    max: caps.maxMessages,
    message: `Too many messages: ${count}, the limit is ${caps.maxMessages}.`,
  };
}

/** The completion budget a request asks for: max_completion_tokens (current API) or max_tokens (legacy). */
export function requestedMaxTokens(body: { readonly max_tokens?: unknown; readonly max_completion_tokens?: unknown }): unknown {
  return body.max_completion_tokens ?? body.max_tokens;
}

/** 400 when max_tokens is not a positive integer or exceeds the cap; absent (undefined or null) is fine. */
export function checkMaxTokens(value: unknown, caps: RequestCaps = DEFAULT_CAPS): CapDecision {
  if (value === undefined || value === null) return OK;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    return { ok: false, limit: 'max_tokens', status: 400, max: caps.maxTokens, message: 'max_tokens must be a positive integer.' };
  }
  if (value <= caps.maxTokens) return OK;
  return {
    ok: false,
    limit: 'max_tokens',
    status: 400,
    max: caps.maxTokens,
    message: `max_tokens is ${value}, the limit is ${caps.maxTokens}.`,
  };
}
