// When and how the outbox retries a batch: exponential backoff with full jitter, and which failures mean "the
// receiver is unreachable" (waited out, never dead-lettered) rather than "the receiver refused this batch".

/** Network failures that say nothing about the batch: the receiver is down or the path to it is. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ERR_SOCKET_CLOSED',
]);

/**
 * True when a send failure is about the receiver being unreachable, not about the batch. Sinks can say so
 * themselves with `context.retryable` on their BulwarkError (true: e.g. HTTP 429/503; false: e.g. HTTP 400);
 * otherwise the errno codes along the `cause` chain decide. Unknown failures count as rejections.
 */
export function isUnreachable(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; depth < 8 && e !== null && typeof e === 'object'; depth++) {
    const context = (e as { context?: unknown }).context;
    if (context !== null && typeof context === 'object') {
      const retryable = (context as { retryable?: unknown }).retryable;
      if (typeof retryable === 'boolean') return retryable;
    }
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    const errors = (e as { errors?: unknown }).errors;
    // AggregateError of a multi-address connect (happy eyeballs).
    if (Array.isArray(errors) && errors.some((x) => isUnreachable(x))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  random: () => number;
}

/**
 * Delay before try number `attempt + 1` (attempt >= 1): uniform in [0, min(max, base · 2^(attempt−1))], the
 * "full jitter" of AWS's backoff study, so that many outboxes retrying one receiver spread out.
 */
export function backoffDelay(attempt: number, o: BackoffOptions): number {
  const ceiling = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.floor(o.random() * ceiling);
}
