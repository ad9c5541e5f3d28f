// Adapter for the npm package llm-guard (therizwan/llm-guard: regex and word-list guards, not protectai's Python llm-guard).
import type { GuardConfig } from 'llm-guard';
import { definePeer } from './define-peer.js';
import type { PeerAdapter, PeerTask } from './types.js';

// LLMGuard turns every guard on unless it is set to false, so each task starts from all-off and enables its own.
const ALL_GUARDS_OFF: GuardConfig = {
  pii: false,
  jailbreak: false,
  profanity: false,
  promptInjection: false,
  relevance: false,
  toxicity: false,
};

// No guard takes a threshold or option beyond custom patterns, so these are the package defaults.
// - prompt-injection: the JailbreakGuard patterns are all also in PromptInjectionGuard, so adding it changes no
//   verdict; it is kept because the README presents both as the injection defence.
// - harmful-request: the package has no such check; ToxicityGuard ("toxic, harmful, or aggressive content", a word
//   list with kill/bomb/weapon/...) is the closest, so it is used and reported as a stand-in.
// - toxicity: ToxicityGuard plus ProfanityGuard (whose shipped list is only the placeholders badword1/badword2).
// - secrets: no check in the package.
const TASK_GUARDS: Partial<Record<PeerTask, GuardConfig>> = {
  'prompt-injection': { promptInjection: true, jailbreak: true },
  'harmful-request': { toxicity: true },
  toxicity: { toxicity: true, profanity: true },
  pii: { pii: true },
};

const CHECKS: Partial<Record<PeerTask, string>> = {
  'prompt-injection': 'PromptInjectionGuard + JailbreakGuard',
  'harmful-request': 'ToxicityGuard (stand-in: no harmful-request check)',
  toxicity: 'ToxicityGuard + ProfanityGuard',
  pii: 'PIIGuard',
};

/** llm-guard with one LLMGuard instance per task; score = 1 − LLMGuard's score (its 1.0 means clean). */
export function createLlmGuardPeer(): PeerAdapter {
  return definePeer({
    name: 'llm-guard',
    checks: CHECKS,
    async load() {
      const { LLMGuard } = await import('llm-guard');
      const guards = new Map<PeerTask, InstanceType<typeof LLMGuard>>();
      for (const [task, enabled] of Object.entries(TASK_GUARDS) as [PeerTask, GuardConfig][]) {
        guards.set(task, new LLMGuard({ ...ALL_GUARDS_OFF, ...enabled }));
      }
      return async (task, text) => {
        const guard = guards.get(task);
        if (guard === undefined) throw new Error(`no guard configured for task '${task}'`);
        const response = await guard.validate(text);
        // isValid is the AND of the enabled guards' own decisions; score is the minimum of their scores.
        return { flagged: !response.isValid, score: clampUnit(1 - response.score) };
      };
    },
  });
}

function clampUnit(value: number): number {
  return Math.min(1, Math.max(0, value));
}
