// The built-in policy used when the configuration names none: what the issue calls the sensible default.
import { policySchema, type PolicyConfig, type PolicyConfigInput } from './schema.js';

/**
 * Budgets: the slowest shipped detector (prompt-injection) takes ~3.7 ms per 16 KB on one core, the others ≤ 1 ms
 * (bench/detectors.ts). 10 ms leaves room for load; prompt-injection gets 20 ms because it fails closed, so an
 * overrun blocks: 20 ms covers ~80 KB prompts and tool results (RAG pages) on a busy machine.
 *
 * Fail modes: closed where the text is the attacker's lever and a failure would be a bypass. Prompt injection
 * and exfiltration markup are the two ends of the same attack (instructions in, data out through a link or
 * image), and an attacker can craft text that makes a detector slow; secrets are closed because a leaked
 * credential cannot be recalled and the detector is cheap (≈0.1 ms per 16 KB), so an overrun means an
 * overloaded machine rather than a big text. Open elsewhere: harmful-request is a second line behind the model's
 * own refusal training, PII redaction failing open is recorded in the event, and toxicity only flags.
 */
export const DEFAULT_POLICY: PolicyConfigInput = {
  input: [
    { detector: 'prompt-injection', action: 'block', budgetMs: 20, failMode: 'closed' },
    { detector: 'harmful-request', action: 'block', budgetMs: 10, failMode: 'open' },
    { detector: 'toxicity', action: 'flag', budgetMs: 10, failMode: 'open' },
  ],
  output: [
    { detector: 'secrets', action: 'redact', budgetMs: 10, failMode: 'closed' },
    { detector: 'pii', action: 'redact', budgetMs: 10, failMode: 'open' },
    { detector: 'exfiltration', action: 'block', budgetMs: 10, failMode: 'closed' },
    { detector: 'toxicity', action: 'flag', budgetMs: 10, failMode: 'open' },
  ],
  tool_call: [],
  // Tool results (web pages, files, MCP answers) are the classic carrier of indirect injection.
  tool_result: [{ detector: 'prompt-injection', action: 'block', budgetMs: 20, failMode: 'closed' }],
  // holdback: stream to the client with a 256-character window still under inspection, so a secret or an
  // exfiltration link split across chunks is caught before release without buffering the whole answer.
  streaming: { mode: 'holdback', windowChars: 256 },
  detectionsInBody: false,
  restoreRedactions: true,
  logPromptText: false,
};

export const DEFAULT_POLICY_NAME = 'default';

/** A fresh `{ default: <DEFAULT_POLICY with defaults applied> }`. */
export function defaultPolicies(): Record<string, PolicyConfig> {
  return { [DEFAULT_POLICY_NAME]: policySchema.parse(DEFAULT_POLICY) };
}
