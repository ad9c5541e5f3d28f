// Adapter for @openai/guardrails restricted to its local regex checks (Contains PII, Secret Keys); LLM/API checks are left out.
import { definePeer } from './define-peer.js';
import type { PeerAdapter } from './types.js';

// The entity list of the configuration example in the check's reference page (docs/ref/checks/pii.md). Through the
// config-bundle API `entities`, `block` and `detect_encoded_pii` are all required, so a user has to pick a list; the
// schema-level default (PIIConfig.parse({})) is every entity except NRP and PERSON, selectable with the option below.
const REFERENCE_PII_ENTITIES = ['EMAIL_ADDRESS', 'US_SSN', 'CREDIT_CARD', 'PHONE_NUMBER', 'CVV', 'BIC_SWIFT'];

export interface OpenAiGuardrailsPeerOptions {
  /** 'reference-example' (default): the 6 entities above; 'library-default': PIIConfig's 40 default entities. */
  piiEntities?: 'reference-example' | 'library-default';
}

/**
 * @openai/guardrails local checks, configured through the package's own config-bundle API (instantiateGuardrails) and
 * run with an empty context, so no OpenAI client exists for any code path to call.
 * - pii → 'Contains PII' with block: true (the documented blocking mode; the default block: false only masks and never
 *   trips) and detect_encoded_pii: false (its default). The check throws on an empty text.
 * - secrets → 'Secret Keys' with its default threshold 'balanced'.
 * Not mapped: prompt injection ('Jailbreak', 'Prompt Injection Detection') and harmful content ('NSFW Text') are LLM
 * calls; 'Moderation' calls the OpenAI moderation API; 'Keyword Filter' has no default keyword list.
 * Both checks return a boolean tripwire only, so verdicts carry no score.
 */
export function createOpenAiGuardrailsPeer(options: OpenAiGuardrailsPeerOptions = {}): PeerAdapter {
  const entitiesChoice = options.piiEntities ?? 'reference-example';
  return definePeer({
    name: '@openai/guardrails',
    checks: {
      pii: `Contains PII (regex; block: true; entities: ${entitiesChoice})`,
      secrets: "Secret Keys (regex + entropy; threshold: 'balanced')",
    },
    async load() {
      const { instantiateGuardrails, PIIConfig } = await import('@openai/guardrails');
      const entities = entitiesChoice === 'library-default' ? PIIConfig.parse({}).entities : REFERENCE_PII_ENTITIES;
      const [pii, secrets] = await instantiateGuardrails({
        guardrails: [
          { name: 'Contains PII', config: { entities, block: true, detect_encoded_pii: false } },
          { name: 'Secret Keys', config: {} },
        ],
      });
      if (pii === undefined || secrets === undefined) throw new Error('instantiateGuardrails returned too few checks');
      return async (task, text) => {
        const guardrail = task === 'pii' ? pii : task === 'secrets' ? secrets : undefined;
        if (guardrail === undefined) throw new Error(`no check configured for task '${task}'`);
        const result = await guardrail.run({}, text);
        if (result.executionFailed === true) {
          throw result.originalException ?? new Error('guardrail execution failed');
        }
        return { flagged: result.tripwireTriggered };
      };
    },
  });
}
