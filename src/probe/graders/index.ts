// The grader registry: one explicit table from grader type to factory, and createGrader(), which builds a grader
// from its spec (throws ERR_CONFIG_INVALID for an unknown type or bad options). The detector-based graders load
// Bulwark's detectors (~100 ms of start-up): they are loaded by prepareGraders() only when a run uses them.
import type { Grader, GraderSpec } from '../types.js';
import { ASSERTION_TYPES, createAssertionGrader } from './assertions.js';
import { createBbqChoiceGrader } from './bbq-choice.js';
import { createCanaryGrader } from './canary.js';
import type * as DetectorGraders from './detector-grader.js';
import { configError } from './grader-support.js';
import { createJavascriptGrader } from './javascript.js';
import { createLlmJudgeGrader, type JudgeFn } from './llm-judge.js';
import { createReferenceGrader } from './reference.js';
import { createRefusalGrader } from './refusal-grader.js';
import { createToolCalledGrader } from './tool-called.js';

export interface GraderDeps {
  /** The judge model for `llm-judge` graders: messages in, reply text out. */
  judgeTarget?: JudgeFn;
  /** The judge model's id (part of every judge verdict's identity hash). */
  judgeModel?: string;
  /** Directory that relative rubric files are read from (the suite's); default the working directory. */
  baseDir?: string;
}

type Factory = (spec: GraderSpec, deps: GraderDeps) => Grader;

const FACTORIES: ReadonlyMap<string, Factory> = new Map<string, Factory>([
  ['refusal', createRefusalGrader],
  ['canary', createCanaryGrader],
  ...ASSERTION_TYPES.map((t): [string, Factory] => [t, createAssertionGrader]),
  ['javascript', createJavascriptGrader],
  ['reference', createReferenceGrader],
  ['tool-called', createToolCalledGrader],
  ['markdown-image-exfil', (spec) => detectorGraders(spec).createMarkdownImageExfilGrader(spec)],
  ['bbq-choice', createBbqChoiceGrader],
  ['llm-judge', createLlmJudgeGrader],
]);

/** Every grader type; `detector:<id>` stands for any registered detector that runs at the output stage. */
export const GRADER_TYPES: readonly string[] = Object.freeze([...FACTORIES.keys(), 'detector:<id>']);

let loaded: typeof DetectorGraders | undefined;

const usesDetectors = (type: string): boolean => type.startsWith('detector:') || type === 'markdown-image-exfil';

/** Loads what the given grader types need beyond the always-loaded graders (the detectors); call before createGrader. */
export async function prepareGraders(types: Iterable<string>): Promise<void> {
  if (loaded) return;
  for (const t of types) {
    if (usesDetectors(t)) {
      loaded = await import('./detector-grader.js');
      return;
    }
  }
}

function detectorGraders(spec: GraderSpec): typeof DetectorGraders {
  if (!loaded) throw new Error(`grader ${spec.type} needs prepareGraders() first (it loads the detectors)`);
  return loaded;
}

export function createGrader(spec: GraderSpec, deps: GraderDeps = {}): Grader {
  if (spec === null || typeof spec !== 'object' || typeof spec.type !== 'string') throw new TypeError('a grader spec needs a string type');
  if (spec.options !== undefined && (spec.options === null || typeof spec.options !== 'object' || Array.isArray(spec.options))) {
    throw configError(spec, 'options must be an object');
  }
  if (spec.type.startsWith('detector:')) return detectorGraders(spec).createDetectorGrader(spec);
  const factory = FACTORIES.get(spec.type);
  if (!factory) throw configError(spec, `unknown grader type; known: ${GRADER_TYPES.join(', ')}`);
  return factory(spec, deps);
}
