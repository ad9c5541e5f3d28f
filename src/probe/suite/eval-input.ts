// What `bulwark eval run FILE` accepts: a Bulwark suite, or a promptfoo config (detected by its keys) translated into one.
import { basename, dirname, extname, resolve } from 'node:path';
import { configError } from '../../policy/issues.js';
import { readYamlSource, type YamlSource } from '../../policy/yaml-source.js';
import { fastYaml } from './fast-yaml.js';
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
  const text = await readTextFile(path, source);
  // Plain data from the fast parser when the file is ordinary; the positional parse only when something is
  // unusual, or lazily when a validation error needs a line number.
  let full: YamlSource | undefined;
  const positional = (): YamlSource => (full ??= readYamlSource(text, source));
  let value = fastYaml(text);
  if (value === undefined) {
    const src = positional();
    if (src.issues.length > 0) throw configError(src.issues);
    value = src.value;
  }
  const locate: YamlSource['locate'] = (at, part) => positional().locate(at, part);
  const baseDir = dirname(resolve(path));
  if (looksLikePromptfoo(value)) {
    const t = await translatePromptfoo(value, { ...options, sourceName: source, baseDir, locate, fallbackName: basename(path, extname(path)) });
    return { kind: 'promptfoo', ...t };
  }
  const suite = validateSuite(value, source, { ...options, locate });
  return { kind: 'suite', suite: resolveSuitePaths(suite, baseDir) };
}
