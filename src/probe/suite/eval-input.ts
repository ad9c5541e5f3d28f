// What `bulwark eval run FILE` accepts: a Bulwark suite, or a promptfoo config (detected by its keys) translated into one.
import { basename, dirname, extname, resolve } from 'node:path';
import { configError } from '../../policy/issues.js';
import { readYamlSource } from '../../policy/yaml-source.js';
import type { ProbeCase } from '../types.js';
import { readTextFile, resolveSuitePaths, validateSuite, type SuiteLoadOptions } from './load.js';
import { looksLikePromptfoo, translatePromptfoo, type PromptfooOptions } from './promptfoo.js';
import type { Suite } from './schema.js';

export type EvalInput =
  | { kind: 'suite'; suite: Suite }
  /** `cases` are run in addition to the suite's packs (which are empty for a translated config). */
  | { kind: 'promptfoo'; suite: Suite; cases: ProbeCase[]; warnings: string[] };

/** Reads FILE once and loads it as whichever of the two formats it is. */
export async function loadEvalInput(path: string, options: SuiteLoadOptions & PromptfooOptions = {}): Promise<EvalInput> {
  const source = options.sourceName ?? path;
  const src = readYamlSource(await readTextFile(path, source), source);
  if (src.issues.length > 0) throw configError(src.issues);
  const baseDir = dirname(resolve(path));
  if (looksLikePromptfoo(src.value)) {
    const t = await translatePromptfoo(src.value, { ...options, sourceName: source, baseDir, locate: src.locate, fallbackName: basename(path, extname(path)) });
    return { kind: 'promptfoo', ...t };
  }
  const suite = validateSuite(src.value, source, { ...options, locate: src.locate });
  return { kind: 'suite', suite: resolveSuitePaths(suite, baseDir) };
}
