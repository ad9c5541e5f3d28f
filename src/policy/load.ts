// Loads bulwark.yaml: YAML with positions → schema → cross-checks; every problem reported as file:line:column: key: message.
import { BulwarkError } from '../core/errors.js';
import { crossCheck } from './cross-check.js';
import { defaultPolicies } from './default-policy.js';
import { builtinDetectors, type DetectorLookup } from './detector-lookup.js';
import { configError } from './issues.js';
import { readBounded } from './read-bounded.js';
import { configSchema, type BulwarkConfig } from './schema.js';
import { MAX_CONFIG_CHARS, readYamlSource } from './yaml-source.js';
import { convertIssues, messageFor, type Locate } from './zod-issues.js';

export interface LoadOptions {
  /** Detectors the configuration may name; default: the shipped registry. */
  registry?: DetectorLookup;
}

export interface LoadFileOptions extends LoadOptions {
  /** Name used in messages instead of `path` (e.g. the path as the user typed it). */
  sourceName?: string;
}

/** Reads and validates a configuration file; throws ERR_IO when unreadable, ERR_CONFIG_INVALID with context.issues. */
export async function loadConfig(path: string, options: LoadFileOptions = {}): Promise<BulwarkConfig> {
  const source = options.sourceName ?? path;
  return parseConfig(await readConfigFile(path, source), source, options);
}

/** Validates YAML text; `sourceName` is the file name used in the messages. */
export function parseConfig(text: string, sourceName: string, options: LoadOptions = {}): BulwarkConfig {
  const src = readYamlSource(text, sourceName);
  if (src.issues.length > 0) throw configError(src.issues);
  return validateConfig(src.value, sourceName, { ...options, locate: src.locate });
}

/** Validates an already-parsed value (from defaultConfig, or JSON); without `locate` the issues carry no line. */
export function validateConfig(value: unknown, sourceName: string, options: LoadOptions & { locate?: Locate } = {}): BulwarkConfig {
  const locate: Locate = options.locate ?? (() => undefined);
  if (value === null || value === undefined) {
    throw configError([{ source: sourceName, ...locate([]), path: '', message: 'the configuration is empty; it needs at least version: 1 and upstreams' }]);
  }
  const parsed = configSchema.safeParse(value, { error: messageFor });
  const issues = parsed.success ? [] : convertIssues(parsed.error.issues, configSchema, sourceName, locate);
  issues.push(...crossCheck(value, options.registry ?? builtinDetectors, sourceName, locate));
  if (issues.length > 0 || !parsed.success) throw configError(issues);
  return { ...parsed.data, policies: parsed.data.policies ?? defaultPolicies() };
}

/** Reads at most MAX_CONFIG_CHARS bytes, refusing larger files and invalid UTF-8 (a BOM is dropped). */
async function readConfigFile(path: string, source: string): Promise<string> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readBounded(path, MAX_CONFIG_CHARS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new BulwarkError('ERR_IO', `cannot read ${source} (${code})`, { cause: e, context: { path } });
  }
  const fail = (message: string) => configError([{ source, line: 1, column: 1, path: '', message }]);
  if (bytes === undefined) throw fail(`file is larger than ${MAX_CONFIG_CHARS} bytes`);
  try {
    // fatal: a config with invalid UTF-8 is refused rather than read with U+FFFD in its keys.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw fail('file is not valid UTF-8');
  }
}
