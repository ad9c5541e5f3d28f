// Plumbing every sink shares: ERR_SINK errors, formatting that fails as ERR_SINK, deadlines joined with the caller's signal.
import { BulwarkError, isBulwarkError } from '../../core/errors.js';
import type { SecurityEvent } from '../../core/event.js';
import { formatEvent } from '../formats/index.js';
import type { EventFormat, FormatContext } from '../types.js';

/**
 * An ERR_SINK. Context `retryable` follows the outbox's rule (src/monitor/outbox-retry.ts): true when the failure
 * says nothing about the batch (receiver down, slow, refusing our credentials), false when the batch was refused.
 */
export function sinkError(sinkId: string, message: string, context: Record<string, unknown> = {}, cause?: unknown): BulwarkError {
  return new BulwarkError('ERR_SINK', `sink ${sinkId}: ${message}`, { context: { sink: sinkId, ...context }, cause });
}

/** One event as one line; a formatter failure becomes ERR_SINK (the contract of send) keeping the formatter's code. */
export function formatLine(sinkId: string, event: SecurityEvent, format: EventFormat, ctx: FormatContext): string {
  try {
    return formatEvent(event, format, ctx);
  } catch (e) {
    const code = isBulwarkError(e) ? e.code : 'unknown';
    const message = e instanceof Error ? e.message : 'formatting failed';
    // retryable: false — the batch itself is at fault, not the receiver (the outbox may dead-letter it).
    throw sinkError(sinkId, `could not format event ${event.id} as ${format}: ${message}`, { event: event.id, format, formatError: code, retryable: false }, e);
  }
}

export function abortedError(sinkId: string): BulwarkError {
  return sinkError(sinkId, 'delivery was aborted', { aborted: true, retryable: true });
}

export function closedError(sinkId: string): BulwarkError {
  return sinkError(sinkId, 'the sink is closed', { closed: true });
}

/** A signal that fires when the caller aborts or `timeoutMs` passes; `dispose()` clears the timer and listener. */
export interface Deadline {
  readonly signal: AbortSignal;
  timedOut(): boolean;
  dispose(): void;
}

export function deadline(outer: AbortSignal, timeoutMs: number): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  const onAbort = (): void => controller.abort(outer.reason);
  if (outer.aborted) controller.abort(outer.reason);
  else outer.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose: () => {
      clearTimeout(timer);
      outer.removeEventListener('abort', onAbort);
    },
  };
}

/** Settles like `promise`, or rejects with `onAbort()` as soon as `signal` fires (the listener is always removed). */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal, onAbort: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => reject(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
