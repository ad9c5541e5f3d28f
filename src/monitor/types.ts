// Contracts of the monitor: how stored security events leave Bulwark for the SOC (formats and sinks).
import type { SecurityEvent } from '../core/event.js';

/** Wire formats a sink can write. `json` is Bulwark's own SecurityEvent, one object per event. */
export const EVENT_FORMATS = ['json', 'ocsf', 'ecs', 'cef'] as const;
export type EventFormat = (typeof EVENT_FORMATS)[number];

/** Facts about the emitting Bulwark that every format needs. */
export interface FormatContext {
  /** Bulwark's version (package.json). */
  productVersion: string;
  /** Host name put in syslog headers and ECS `host.name`. */
  hostname: string;
}

/** An event read back from the store, with its insertion sequence number (the outbox cursor). */
export interface StoredEvent {
  seq: number;
  event: SecurityEvent;
}

/**
 * A destination for security events. The outbox calls `send` with batches in sequence order, one call at a time,
 * and retries a rejected batch (at-least-once: a receiver may see a batch twice, never lose one).
 */
export interface Sink {
  /** Stable identity of the destination (its URL without credentials): the key of the outbox cursor. */
  readonly id: string;
  /** Delivers the batch completely or rejects with a BulwarkError (code ERR_SINK); must honour the signal. */
  send(batch: readonly StoredEvent[], signal: AbortSignal): Promise<void>;
  /** Releases sockets and files; safe to call twice. */
  close(): Promise<void>;
}
