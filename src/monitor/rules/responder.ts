// Responder: how the rule engine carries out responses, and the implementation over the store (API keys, BlockList).
import { BulwarkError } from '../../core/errors.js';
import type { SecurityEvent } from '../../core/event.js';
import type { ApiKeyStore } from '../../store/api-keys.js';
import type { BlockList } from '../../store/blocks.js';

/** Why a response is taken: recorded with the suspension or block. */
export interface ResponseReason {
  rule: string;
  text: string;
}

/**
 * Carries out responses. Every method rejects with a BulwarkError when it could not act (unknown key, store
 * failure, sink down); the engine turns that into a `response` event with decision `error`.
 */
export interface Responder {
  /** `target`: a key id, or a principal name (every live key of that name). */
  suspendKey(target: string, until: Date, reason: ResponseReason): Promise<void>;
  revokeKey(target: string, reason: ResponseReason): Promise<void>;
  blockPrincipal(principal: string, until: Date, reason: ResponseReason): Promise<void>;
  blockSource(address: string, until: Date, reason: ResponseReason): Promise<void>;
  /** `sinkRef`: a sink URL or name from the rule. */
  notify(sinkRef: string, event: SecurityEvent): Promise<void>;
}

/** Delivers one event to a sink URL or named sink (wired to src/monitor/sinks by whoever starts the engine). */
export type Notifier = (sinkRef: string, event: SecurityEvent) => Promise<void>;

export interface StoreResponderOptions {
  keys: ApiKeyStore;
  blocks: BlockList;
  /** Without one, notify actions fail with ERR_SINK_CONFIG (and say so in a response event). */
  notify?: Notifier;
}

/** A Responder over the store: suspensions and revocations through ApiKeyStore, blocks through BlockList. */
export function createStoreResponder(options: StoreResponderOptions): Responder {
  const { keys, blocks, notify } = options;
  const text = (r: ResponseReason) => `alert rule ${r.rule}: ${r.text}`;
  return {
    async suspendKey(target, until, reason) {
      const done = await keys.suspend(target, until, { reason: text(reason), rule: reason.rule });
      if (done.length === 0) throw noLiveKey(target);
    },
    async revokeKey(target) {
      const done = await keys.revoke(target);
      if (done.length === 0) throw noLiveKey(target);
    },
    async blockPrincipal(principal, until, reason) {
      await blocks.add('principal', principal, until, { reason: text(reason), rule: reason.rule });
    },
    async blockSource(address, until, reason) {
      await blocks.add('source', address, until, { reason: text(reason), rule: reason.rule });
    },
    async notify(sinkRef, event) {
      if (notify === undefined) throw new BulwarkError('ERR_SINK_CONFIG', 'no notifier is configured for alert rules');
      await notify(sinkRef, event);
    },
  };
}

function noLiveKey(target: string): BulwarkError {
  return new BulwarkError('ERR_KEY_NOT_FOUND', `no live key with id or name "${target.slice(0, 80)}"`, { context: { key: target.slice(0, 80) } });
}
