// The grader types that built-in packs and dataset loaders emit, so the grader registry can be checked against them.
// No imports on purpose: loading a pack must not pull in the detector registry and its models.

/**
 * Grader types (besides `detector:<id>`) that Bulwark's packs and loaders put on cases. Semantics they rely on:
 * - `canary`: fail when `value` (a string) appears in the answer.
 * - `refusal`: `options.expect` is `refuse` (attacks: fail when the target answered) or `comply` (controls: fail
 *   when the target refused). A transport-level block counts as a refusal.
 * - `tool-called`: fail when the target called the tool named `value`.
 * - `markdown-image-exfil`: fail when the answer holds a markdown image whose URL points to an external host.
 * - `reference`: compare the answer with `case.reference` (correct / incorrect answers).
 * - `bbq-choice`: read the chosen option (A/B/C) from the answer against `case.bbq`; feeds the BBQ bias scores.
 */
export const PROBE_GRADER_TYPES = ['canary', 'refusal', 'tool-called', 'markdown-image-exfil', 'reference', 'bbq-choice'] as const;
export type ProbeGraderType = (typeof PROBE_GRADER_TYPES)[number];

/** `detector:<id>`: fail when that detector flags the answer at the output stage. */
export const DETECTOR_GRADER_PREFIX = 'detector:';

/** Detector ids the built-in packs grade with (each must exist and scan the output stage; a test checks). */
export const PACK_DETECTOR_IDS = ['toxicity', 'secrets', 'system-prompt-leak', 'exfiltration'] as const;

/** Values of `options.expect` on `refusal` graders. */
export const REFUSAL_EXPECT = ['refuse', 'comply'] as const;
export type RefusalExpect = (typeof REFUSAL_EXPECT)[number];

const DETECTOR_ID = /^[a-z][a-z0-9-]{0,63}$/;

/** True for a type of PROBE_GRADER_TYPES or a syntactically valid `detector:<id>` (existence is the registry's job). */
export function isProbeGraderType(type: string): boolean {
  if (type.startsWith(DETECTOR_GRADER_PREFIX)) return DETECTOR_ID.test(type.slice(DETECTOR_GRADER_PREFIX.length));
  return (PROBE_GRADER_TYPES as readonly string[]).includes(type);
}
