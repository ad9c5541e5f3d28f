// The detector contract: every detector, rule or model, is a value of this shape.
import type { ZodType } from 'zod';
import type { Finding, Stage } from '../core/finding.js';
import type { TaxonomyTags } from '../core/taxonomy/index.js';
import type { TextAnalysis } from '../text/analysis.js';

/** What a detector may know about the conversation around the text it scans. */
export interface ScanContextData {
  /** The system prompt configured for the application (for leak detection). */
  systemPrompt?: string;
  /** Secret canary strings planted in the system prompt. */
  canaries?: readonly string[];
  /** Retrieved documents or other grounding context (for groundedness). */
  documents?: readonly string[];
  /** The user prompt that an output answers (output stage). */
  prompt?: string;
}

export interface ScanInput {
  text: string;
  stage: Stage;
  context?: ScanContextData;
}

export interface ScanContext {
  /** Normalised and decoded views of `input.text`, computed once and shared by all detectors. */
  readonly analysis: TextAnalysis;
  /** Aborted when the detector's time budget is spent; long loops should check it. */
  readonly signal?: AbortSignal;
}

export type DetectFn = (input: ScanInput, ctx: ScanContext) => Finding[] | Promise<Finding[]>;

export interface Detector<O = unknown> {
  /** Stable kebab-case id, used in policies, events and the detector API. */
  readonly id: string;
  /** One sentence for humans (CLI help, docs, detector API). */
  readonly description: string;
  /** Stages it is meant for; the runner refuses others. */
  readonly stages: readonly Stage[];
  /** Taxonomy ids that every finding of this detector may carry. */
  readonly tags: TaxonomyTags;
  /** Options schema; parsing `{}` must give working defaults unless `requiresOptions`. */
  readonly options: ZodType<O>;
  /** True when the detector does nothing useful without configuration (keywords, regex, topics). */
  readonly requiresOptions?: boolean;
  create(options: O): DetectFn;
}

/** Identity helper that keeps the options type tied to the schema. */
export function defineDetector<O>(d: Detector<O>): Detector<O> {
  return d;
}
