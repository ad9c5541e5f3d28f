// Adapter for @andersmyrmel/vard: pattern-based prompt-injection detection with threat types, severities and presets.
import { definePeer } from './define-peer.js';
import type { PeerAdapter } from './types.js';

export interface VardPeerOptions {
  /**
   * Overrides vard's maxLength (default 10,000 characters). Longer inputs are rejected by vard as an
   * 'instructionOverride' threat of severity 0.8, so with the default a long benign text counts as flagged.
   */
  maxLength?: number;
}

/**
 * vard with its default configuration, the 'moderate' preset: threshold 0.7; instructionOverride, roleManipulation
 * and systemPromptLeak are blocked; delimiterInjection and encoding are sanitised (not flagged).
 * flagged = safeParse() is not safe; score = highest severity among the blocking threats, 0 when the text passes
 * (sub-threshold severities are not observable through the public API without changing the configuration).
 */
export function createVardPeer(options: VardPeerOptions = {}): PeerAdapter {
  return definePeer({
    name: '@andersmyrmel/vard',
    checks: { 'prompt-injection': 'moderate preset (threshold 0.7, all 5 threat types, default actions)' },
    async load() {
      const { vard } = await import('@andersmyrmel/vard');
      const preset = vard.moderate();
      const guard = options.maxLength === undefined ? preset : preset.maxLength(options.maxLength);
      return (_task, text) => {
        const result = guard.safeParse(text);
        if (result.safe) return { flagged: false, score: 0 };
        const score = result.threats.reduce((max, threat) => Math.max(max, threat.severity), 0);
        return { flagged: true, score };
      };
    },
  });
}
