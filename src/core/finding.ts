// Finding: one thing a detector saw in one piece of text, tagged with taxonomy ids.
import type { Severity } from './severity.js';
import type { TaxonomyTags } from './taxonomy/index.js';

/** Where in a conversation a text sits when it is scanned. */
export const STAGES = ['input', 'output', 'tool_call', 'tool_result'] as const;
export type Stage = (typeof STAGES)[number];

export interface Span {
  /** UTF-16 offsets into the scanned text, end exclusive. */
  start: number;
  end: number;
}

export interface Finding {
  /** Id of the detector that produced it. */
  detector: string;
  /** Detector-specific category, e.g. "jailbreak", "email", "aws_access_key", "S9". */
  category: string;
  /** Confidence 0..1 that the category applies. */
  score: number;
  severity: Severity;
  span?: Span;
  /** A short, already-redacted excerpt that explains the finding; never a raw secret. */
  evidence?: string;
  tags: TaxonomyTags;
  /** Small structured extras (e.g. the decoding that revealed an attack). */
  metadata?: Record<string, unknown>;
}
