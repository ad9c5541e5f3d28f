// The registry: every detector Bulwark ships, in one explicit list.
import type { Detector } from './contract.js';
import { exfiltrationDetector } from './exfiltration.js';
import { groundednessDetector } from './groundedness.js';
import { harmfulRequestDetector } from './harmful-request.js';
import { invisibleTextDetector } from './invisible-text.js';
import { keywordsDetector } from './keywords.js';
import { piiDetector } from './pii.js';
import { promptInjectionDetector } from './prompt-injection.js';
import { regexDetector } from './regex.js';
import { secretsDetector } from './secrets.js';
import { systemPromptLeakDetector } from './system-prompt-leak.js';
import { topicsDetector } from './topics.js';
import { toxicityDetector } from './toxicity.js';

export const DETECTORS: readonly Detector<unknown>[] = [
  promptInjectionDetector,
  harmfulRequestDetector,
  toxicityDetector,
  piiDetector,
  secretsDetector,
  exfiltrationDetector,
  invisibleTextDetector,
  systemPromptLeakDetector,
  groundednessDetector,
  keywordsDetector,
  regexDetector,
  topicsDetector,
] as readonly Detector<unknown>[];

const BY_ID = new Map(DETECTORS.map((d) => [d.id, d]));

export function findDetector(id: string): Detector<unknown> | undefined {
  return BY_ID.get(id);
}
