// Loads an eval suite file: YAML with positions → zod schema → id checks; every problem reported as file:line:column: key: message.
import { dirname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { BulwarkError } from '../../core/errors.js';
import { configError, didYouMean, formatPath, shorten, type ConfigIssue } from '../../policy/issues.js';
import { readBounded } from '../../policy/read-bounded.js';
import { MAX_CONFIG_CHARS, readYamlSource } from '../../policy/yaml-source.js';
import { convertIssues, messageFor, type Locate } from '../../policy/zod-issues.js';
import { createSuiteSchema, suiteSchema, type Suite } from './schema.js';

export interface SuiteLoadOptions {
  /** The targets module's schema for one target spec (default: any object with `id` and `type`). */
  targetSchema?: z.ZodType;
  /** Pack ids that exist; when given, unknown ones are reported with a "did you mean". */
  knownPacks?: Iterable<string>;
  /** Transform ids that exist (same). */
  knownTransforms?: Iterable<string>;
  /** Name used in messages instead of the path. */
  sourceName?: string;
}

/** Reads and validates a suite file; ERR_IO when unreadable, ERR_CONFIG_INVALID (context.issues) when invalid. */
export async function loadSuite(path: string, options: SuiteLoadOptions = {}): Promise<Suite> {
  const source = options.sourceName ?? path;
  const suite = parseSuite(await readTextFile(path, source), source, options);
  return resolveSuitePaths(suite, dirname(resolve(path)));
}

/** Validates suite YAML text (paths are left as written). */
export function parseSuite(text: string, sourceName: string, options: SuiteLoadOptions = {}): Suite {
  const src = readYamlSource(text, sourceName);
  if (src.issues.length > 0) throw configError(src.issues);
  return validateSuite(src.value, sourceName, { ...options, locate: src.locate });
}

/** Validates an already-parsed value; without `locate` the issues carry no line. */
export function validateSuite(value: unknown, sourceName: string, options: SuiteLoadOptions & { locate?: Locate } = {}): Suite {
  const locate: Locate = options.locate ?? (() => undefined);
  if (value === null || value === undefined) {
    throw configError([{ source: sourceName, ...locate([]), path: '', message: 'the suite is empty; it needs at least name, targets and packs' }]);
  }
  const schema = options.targetSchema ? createSuiteSchema(options.targetSchema) : suiteSchema;
  const parsed = schema.safeParse(value, { error: messageFor });
  if (!parsed.success) throw configError(convertIssues(parsed.error.issues, schema, sourceName, locate));
  const suite = parsed.data as Suite;
  const issues: ConfigIssue[] = [];
  // Checked here, not in the schema: suites translated from promptfoo carry their cases instead of packs.
  if (suite.packs.length === 0 && suite.datasets.length === 0) {
    issues.push({ source: sourceName, ...locate(['packs']), path: 'packs', message: 'the suite needs at least one pack or dataset' });
  }
  issues.push(
    ...unknownIds(suite.packs, options.knownPacks, 'pack', ['packs'], sourceName, locate),
    ...unknownIds(suite.transforms?.apply ?? [], options.knownTransforms, 'transform', ['transforms', 'apply'], sourceName, locate),
  );
  if (issues.length > 0) throw configError(issues);
  return suite;
}

/** Dataset paths relative to the suite file's folder become absolute; report paths stay as written (relative to the working directory). */
export function resolveSuitePaths(suite: Suite, baseDir: string): Suite {
  return { ...suite, datasets: suite.datasets.map((d) => ({ ...d, path: isAbsolute(d.path) ? d.path : resolve(baseDir, d.path) })) };
}

function unknownIds(ids: readonly string[], known: Iterable<string> | undefined, what: string, at: PropertyKey[], source: string, locate: Locate): ConfigIssue[] {
  if (!known) return [];
  const set = new Set(known);
  const out: ConfigIssue[] = [];
  ids.forEach((id, i) => {
    // Parameterised ids (`lang:fr`) are checked by their family (`lang:`) when the family is what is registered.
    const family = id.includes(':') ? `${id.slice(0, id.indexOf(':') + 1)}` : undefined;
    if (set.has(id) || (family !== undefined && set.has(family))) return;
    const path = [...at, i];
    out.push({ source, ...locate(path), path: formatPath(path), message: `unknown ${what} "${shorten(id)}"${didYouMean(id, set)}` });
  });
  return out;
}

/** At most MAX_CONFIG_CHARS bytes of strict UTF-8 (a BOM is dropped); ERR_IO when unreadable. */
export async function readTextFile(path: string, source: string = path, maxBytes: number = MAX_CONFIG_CHARS): Promise<string> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readBounded(path, maxBytes);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new BulwarkError('ERR_IO', `cannot read ${source} (${code})`, { cause: e, context: { path } });
  }
  const fail = (message: string) => configError([{ source, line: 1, column: 1, path: '', message }]);
  if (bytes === undefined) throw fail(`file is larger than ${maxBytes} bytes`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw fail('file is not valid UTF-8');
  }
}
