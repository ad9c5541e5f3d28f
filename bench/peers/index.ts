// The peer guardrail libraries the detector benchmark runs beside Bulwark, as one explicit list.
import { createLlmGuardPeer } from './llm-guard.js';
import { createOpenAiGuardrailsPeer } from './openai-guardrails.js';
import type { PeerAdapter } from './types.js';
import { createVardPeer } from './vard.js';

/** Fresh adapters with each peer's default configuration; packages load on each adapter's init(). */
export function createPeerAdapters(): PeerAdapter[] {
  return [createLlmGuardPeer(), createVardPeer(), createOpenAiGuardrailsPeer()];
}

/** The peers with default configuration, shared by the benchmark. */
export const PEER_ADAPTERS: readonly PeerAdapter[] = createPeerAdapters();

export { createLlmGuardPeer } from './llm-guard.js';
export { createOpenAiGuardrailsPeer, type OpenAiGuardrailsPeerOptions } from './openai-guardrails.js';
export { createVardPeer, type VardPeerOptions } from './vard.js';
export { PEER_TASKS, type PeerAdapter, type PeerTask, type PeerVerdict } from './types.js';
