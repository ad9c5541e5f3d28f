// Scan rules: each finding names one rule, which fixes its verdict, severity, taxonomy tags and help text.
// Every format module defines its own rules with defineRules; rule-catalog.ts gathers them for SARIF and docs.
import type { Severity } from '../core/severity.js';
import type { TaxonomyTags } from '../core/taxonomy/index.js';
import type { FindingVerdict } from './types.js';

export interface ScanRule {
  /** Stable id, `<format>.<what>`: `pickle.dangerous-global`, `safetensors.overlapping-tensors`. */
  id: string;
  verdict: FindingVerdict;
  severity: Severity;
  /** Short name, used as the default message. */
  title: string;
  /** What it means and what to do; shown in SARIF rule help. */
  help: string;
  tags: TaxonomyTags;
}

/** Code or payload hidden in a model file: OWASP LLM03 supply chain; ATLAS supply-chain compromise of a model, embedded malware. */
export const TAGS_MALWARE: TaxonomyTags = Object.freeze({ owaspLlm: ['LLM03:2025'], atlas: ['AML.T0010.003', 'AML.T0018.002'] });
/** A model file that is malformed, tampered with or cannot be vetted: supply chain risk without a payload shown. */
export const TAGS_SUPPLY_CHAIN: TaxonomyTags = Object.freeze({ owaspLlm: ['LLM03:2025'], atlas: ['AML.T0010.003'] });
/** A vulnerable AI software component (dependency advisories). */
export const TAGS_VULNERABLE_COMPONENT: TaxonomyTags = Object.freeze({ owaspLlm: ['LLM03:2025'], atlas: ['AML.T0010.001'] });

/** Declares a group of rules; ids must be unique within the group (the catalog checks across groups). */
export function defineRules<const K extends string>(rules: Record<K, Omit<ScanRule, 'id'>>, prefix: string): Record<K, ScanRule> {
  const out = {} as Record<K, ScanRule>;
  for (const key of Object.keys(rules) as K[]) {
    out[key] = Object.freeze({ id: `${prefix}.${key}`, ...rules[key] });
  }
  return Object.freeze(out);
}

/** Rules any scanner may raise: unreadable, truncated or over-limit input, and our own failures. */
export const COMMON_RULES = defineRules(
  {
    truncated: {
      verdict: 'error',
      severity: 'medium',
      title: 'File ends before its structure does',
      help: 'The data stops in the middle of a record, so whatever follows could not be checked. A truncated model may be a download error or a deliberate way to stop scanners before a payload (nullifAI); do not load it.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    malformed: {
      verdict: 'error',
      severity: 'medium',
      title: 'File structure is invalid',
      help: 'The file does not follow its format, so it could not be checked to the end. Loaders may still accept it; do not load it until it is explained.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    limit: {
      verdict: 'error',
      severity: 'medium',
      title: 'Scan limit exceeded',
      help: 'The file needs more work than the configured limits allow (decompressed size, nesting, opcodes, memo, entries): a decompression or pickle bomb, or a very large model. Raise the limit if the file is trusted.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    timeout: {
      verdict: 'error',
      severity: 'medium',
      title: 'Scan time budget exceeded',
      help: 'The file was not scanned to the end within the per-file time budget (--timeout).',
      tags: TAGS_SUPPLY_CHAIN,
    },
    unrecognised: {
      verdict: 'error',
      severity: 'low',
      title: 'Not a recognised model format',
      help: 'The file has a model-file name but its content matches no format Bulwark understands, so it cannot be vetted.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    unreadable: {
      verdict: 'error',
      severity: 'low',
      title: 'File could not be read',
      help: 'An I/O error (permissions, a file removed while scanning) stopped the scan.',
      tags: {},
    },
    encrypted: {
      verdict: 'suspicious',
      severity: 'low',
      title: 'Encrypted content cannot be inspected',
      help: 'An archive member is encrypted; its content was not checked. A loader cannot open it without the password either.',
      tags: TAGS_SUPPLY_CHAIN,
    },
    internal: {
      verdict: 'error',
      severity: 'medium',
      title: 'Scanner failure',
      help: 'Bulwark failed while scanning this file (a bug); the file is not reported clean. Please report it with the file if you can share it.',
      tags: {},
    },
  },
  'scan',
);
